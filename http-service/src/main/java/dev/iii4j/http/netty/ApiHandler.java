package dev.iii4j.http.netty;

import dev.iii4j.http.Header;
import dev.iii4j.http.HttpPipeline;
import dev.iii4j.http.IncomingRequest;
import dev.iii4j.http.Reply;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a complete request into an {@link IncomingRequest} for the pipeline, after answering CORS
 * preflights. Shared by all connections; stateless.
 */
@ChannelHandler.Sharable
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  private final HttpPipeline pipeline;
  private final Cors cors;
  private final ApiMetrics metrics;

  ApiHandler(HttpPipeline pipeline, Cors cors, ApiMetrics metrics) {
    this.pipeline = pipeline;
    this.cors = cors;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    // One request at a time per connection: answers go out in request order.
    ctx.channel().config().setAutoRead(false);
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    NettyResponseSink sink =
        new NettyResponseSink(
            ctx,
            HttpUtil.isKeepAlive(request),
            cors,
            origin,
            metrics.start(request.method().name().toUpperCase(Locale.ROOT)));
    if (!request.decoderResult().isSuccess()) {
      sink.send(
          pipeline.responses().error(400, "BAD_REQUEST", "Malformed HTTP request", null, null));
      return;
    }
    if (cors.isPreflight(request)) {
      HttpHeaders headers = new DefaultHttpHeaders();
      cors.preflight(request, headers);
      List<Header> list = new ArrayList<>();
      for (Map.Entry<String, String> e : headers) {
        list.add(new Header(e.getKey(), e.getValue()));
      }
      sink.send(new Reply(200, list, new byte[0]));
      return;
    }
    String uri = request.uri();
    int scheme = uri.indexOf("://");
    if (scheme > 0 && !uri.startsWith("/")) {
      int slash = uri.indexOf('/', scheme + 3);
      uri = slash < 0 ? "/" : uri.substring(slash);
    }
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? null : uri.substring(q + 1);
    int hash = path.indexOf('#');
    if (hash >= 0) {
      path = path.substring(0, hash);
    }
    List<Header> headers = new ArrayList<>(request.headers().size());
    for (Map.Entry<String, String> e : request.headers()) {
      headers.add(new Header(e.getKey(), e.getValue()));
    }
    byte[] body = ByteBufUtil.getBytes(request.content());
    pipeline.handle(
        new IncomingRequest(
            request.method().name().toUpperCase(Locale.ROOT), path, query, headers, body),
        sink);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}

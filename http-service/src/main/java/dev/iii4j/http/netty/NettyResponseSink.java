package dev.iii4j.http.netty;

import dev.iii4j.http.Header;
import dev.iii4j.http.Reply;
import dev.iii4j.http.ResponseSink;
import io.micronaut.core.annotation.Nullable;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Writes one exchange's response to its connection. The connection stops reading while a request is
 * in flight (so pipelined requests are answered in order) and resumes after the response, or closes
 * when the client did not ask for keep-alive.
 */
final class NettyResponseSink implements ResponseSink {
  private final ChannelHandlerContext ctx;
  private final boolean keepAlive;
  private final Cors cors;
  private final @Nullable String origin;
  private final ApiMetrics.Request measured;
  private volatile int streamStatus;

  NettyResponseSink(
      ChannelHandlerContext ctx,
      boolean keepAlive,
      Cors cors,
      @Nullable String origin,
      ApiMetrics.Request measured) {
    this.ctx = ctx;
    this.keepAlive = keepAlive;
    this.cors = cors;
    this.origin = origin;
    this.measured = measured;
  }

  @Override
  public void routed(String method, String template) {
    measured.route(template.startsWith("/") ? template : "/" + template);
  }

  /** The connection's event loop: a response sent from there is written without a hand-off. */
  @Override
  public Executor executor() {
    return ctx.executor();
  }

  @Override
  public void send(Reply reply) {
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(reply.status()),
            Unpooled.wrappedBuffer(reply.body()));
    HttpHeaders headers = response.headers();
    apply(reply.headers(), headers);
    headers.set(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
    ChannelFuture written = ctx.writeAndFlush(prepare(response));
    written.addListener(f -> measured.done(reply.status(), !f.isSuccess()));
    complete(written);
  }

  @Override
  public void startStream(int status, List<Header> headers) {
    DefaultHttpResponse response =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
    apply(headers, response.headers());
    if (!response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      HttpUtil.setTransferEncodingChunked(response, true);
    }
    streamStatus = status;
    ctx.writeAndFlush(prepare(response));
  }

  @Override
  public void chunk(byte[] bytes, Consumer<Boolean> written) {
    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                measured.done(streamStatus, true);
              }
              written.accept(f.isSuccess());
            });
  }

  @Override
  public void endStream() {
    ChannelFuture written = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    written.addListener(f -> measured.done(streamStatus, !f.isSuccess()));
    complete(written);
  }

  @Override
  public void abort() {
    measured.done(streamStatus, true);
    ctx.close();
  }

  private HttpResponse prepare(HttpResponse response) {
    cors.origin(origin, response.headers());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  private void complete(ChannelFuture written) {
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    written.addListener(
        f -> {
          if (f.isSuccess()) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
          } else {
            ctx.close();
          }
        });
  }

  private static void apply(List<Header> from, HttpHeaders to) {
    for (Header h : from) {
      to.add(h.name(), h.value());
    }
  }
}

package dev.iii4j.gateway.ws;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.UPGRADE_REQUIRED;

import dev.iii4j.gateway.HandshakeInfo;
import dev.iii4j.gateway.ListenerPolicy;
import dev.iii4j.gateway.channel.StreamChannel;
import dev.iii4j.protocol.UpgradeHeaders;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a connection from HTTP to WebSocket. {@code /} becomes a worker connection and {@code
 * /otel} a telemetry connection; any other path gets a JSON 404, a plain HTTP request a 426. A
 * connection that has not upgraded within the handshake timeout is closed.
 */
final class HandshakeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(HandshakeHandler.class);
  private static final String CHANNEL_PATH = "/ws/channels/";

  private final WorkerListener listener;
  private final ListenerPolicy policy;
  private ScheduledFuture<?> deadline;

  HandshakeHandler(WorkerListener listener, ListenerPolicy policy) {
    this.listener = listener;
    this.policy = policy;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    long timeout = listener.properties().handshakeTimeout().toMillis();
    deadline =
        ctx.executor()
            .schedule(
                () -> {
                  LOG.debug("{} did not upgrade within {} ms; closed", ctx.channel(), timeout);
                  ctx.close();
                },
                timeout,
                TimeUnit.MILLISECONDS);
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    super.channelInactive(ctx);
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path = uri.path();
    if (path.startsWith(CHANNEL_PATH)) {
      openChannel(ctx, request, uri, path.substring(CHANNEL_PATH.length()));
      return;
    }
    boolean worker = path.equals("/") || path.isEmpty();
    boolean telemetry = path.equals("/otel") || path.equals("/otel/");
    if (!worker && !telemetry) {
      respond(ctx, NOT_FOUND, "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"Not Found\"}}");
      return;
    }
    if (!request
        .headers()
        .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      respond(
          ctx,
          UPGRADE_REQUIRED,
          "{\"error\":{\"code\":\"upgrade_required\",\"message\":\"This port speaks the iii worker"
              + " protocol over WebSocket\"}}");
      return;
    }
    WebSocketServerHandshakerFactory factory =
        new WebSocketServerHandshakerFactory(
            "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + path,
            null,
            WebSocketDecoderConfig.newBuilder()
                .allowExtensions(true)
                .maxFramePayloadLength(listener.properties().maxFrameBytes())
                // FrameGuard sends the close frame and closes gracefully, so the peer reads it.
                .closeOnProtocolViolation(false)
                .build());
    WebSocketServerHandshaker handshaker = factory.newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    cancelDeadline();
    Map<String, String> headers = new LinkedHashMap<>();
    request
        .headers()
        .forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    HandshakeInfo handshake = new HandshakeInfo(Map.copyOf(headers), Map.copyOf(uri.parameters()));
    boolean trusted = trusted(request.headers().get(UpgradeHeaders.SERVICE_TOKEN));
    String ip =
        ctx.channel().remoteAddress() instanceof InetSocketAddress address
            ? address.getAddress().getHostAddress()
            : null;
    handshaker
        .handshake(ctx.channel(), request)
        .addListener(
            (ChannelFutureListener)
                future -> {
                  if (!future.isSuccess()) {
                    LOG.debug("handshake with {} failed", ctx.channel(), future.cause());
                    ctx.close();
                    return;
                  }
                  WorkerFrameHandler frames =
                      new WorkerFrameHandler(
                          listener, handshaker, telemetry, trusted, ip, policy, handshake);
                  // Frames routed to this connection from other threads arrive as one task
                  // each; their flushes are merged into one socket write per batch of tasks
                  // (and per read, for answers to this connection's own frames).
                  ctx.pipeline().addFirst("flushes", new FlushConsolidationHandler(256, true));
                  ctx.pipeline()
                      .addLast(
                          "aggregator",
                          new WebSocketFrameAggregator(listener.properties().maxMessageBytes()))
                      .addLast(
                          "guard",
                          new FrameGuard(
                              frames.badFrames(), listener.properties().maxMessageBytes()))
                      .addLast("frames", frames);
                  ctx.pipeline().remove(HandshakeHandler.this);
                });
  }

  /** {@code /ws/channels/{id}?key=..&dir=read|write}: 400 for bad parameters, 404 for no match. */
  private void openChannel(
      ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, String id) {
    String key = single(uri, "key");
    String dir = single(uri, "dir");
    if (id.isEmpty()
        || key == null
        || dir == null
        || !(dir.equals("read") || dir.equals("write"))) {
      respondText(ctx, BAD_REQUEST, "Bad channel request: key and dir=read|write are required");
      return;
    }
    StreamChannel channel = listener.channels().find(id, key).orElse(null);
    if (channel == null) {
      respondText(ctx, NOT_FOUND, "Channel not found");
      return;
    }
    if (!request
        .headers()
        .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      respondText(ctx, UPGRADE_REQUIRED, "Upgrade required");
      return;
    }
    WebSocketServerHandshaker handshaker =
        new WebSocketServerHandshakerFactory(
                "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + uri.path(),
                null,
                true,
                listener.properties().maxFrameBytes())
            .newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    cancelDeadline();
    handshaker
        .handshake(ctx.channel(), request)
        .addListener(
            (ChannelFutureListener)
                future -> {
                  if (!future.isSuccess()) {
                    ctx.close();
                    return;
                  }
                  listener.track(ctx.channel());
                  ctx.pipeline()
                      .addLast(
                          "aggregator",
                          new WebSocketFrameAggregator(listener.properties().maxMessageBytes()));
                  ctx.pipeline()
                      .addLast(
                          "channel",
                          new ChannelSocketHandler(
                              channel, listener.channels(), handshaker, dir.equals("write")));
                  ctx.pipeline().remove(HandshakeHandler.this);
                });
  }

  private static String single(QueryStringDecoder uri, String name) {
    var values = uri.parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static void respondText(
      ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
    send(ctx, status, "text/plain; charset=utf-8", text);
  }

  private boolean trusted(String presented) {
    String expected = listener.properties().serviceToken();
    if (expected == null || expected.isBlank() || presented == null) {
      return false;
    }
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String json) {
    send(ctx, status, "application/json", json);
  }

  private static void send(
      ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, String body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("HTTP error on {}", ctx.channel(), cause);
    if (ctx.channel().isActive()) {
      respond(
          ctx, BAD_REQUEST, "{\"error\":{\"code\":\"bad_request\",\"message\":\"Bad Request\"}}");
    }
  }
}

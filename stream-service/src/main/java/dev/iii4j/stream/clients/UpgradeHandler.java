package dev.iii4j.stream.clients;

import dev.iii4j.ops.JsonText;
import dev.iii4j.stream.ConnectionAuth;
import io.micronaut.json.tree.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a client connection: only {@code GET /} with a WebSocket upgrade is served. When
 * an auth function is configured, it is called first with {@code {headers, path, query_params,
 * addr}} (reading from the socket pauses meanwhile), and its {@code context} goes with the
 * connection; then the handshake completes and {@link ClientFrameHandler} takes over.
 */
final class UpgradeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(UpgradeHandler.class);

  private final ClientSessions sessions;
  private final ConnectionAuth auth;
  private final int maxFrameBytes;

  UpgradeHandler(ClientSessions sessions, ConnectionAuth auth, int maxFrameBytes) {
    this.sessions = sessions;
    this.auth = auth;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "BAD_REQUEST", "malformed HTTP request");
      return;
    }
    String uri = request.uri();
    int question = uri.indexOf('?');
    String path = question < 0 ? uri : uri.substring(0, question);
    if (!path.equals("/")) {
      refuse(ctx, HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "no stream endpoint at " + path);
      return;
    }
    if (!request.method().equals(HttpMethod.GET)) {
      refuse(
          ctx,
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          "METHOD_NOT_ALLOWED",
          "the stream endpoint takes GET with a WebSocket upgrade");
      return;
    }
    if (!request
        .headers()
        .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      refuse(
          ctx,
          HttpResponseStatus.BAD_REQUEST,
          "BAD_REQUEST",
          "the stream endpoint speaks WebSocket only (Upgrade: websocket expected)");
      return;
    }
    if (!auth.enabled()) {
      upgrade(ctx, request, Optional.empty());
      return;
    }
    JsonNode input = authInput(request, path, question < 0 ? "" : uri.substring(question + 1), ctx);
    request.retain();
    ctx.channel().config().setAutoRead(false);
    auth.authenticate(input)
        .thenAccept(
            context ->
                ctx.channel()
                    .eventLoop()
                    .execute(
                        () -> {
                          try {
                            if (ctx.channel().isActive()) {
                              upgrade(ctx, request, context);
                            }
                          } finally {
                            request.release();
                            ctx.channel().config().setAutoRead(true);
                          }
                        }));
  }

  private void upgrade(
      ChannelHandlerContext ctx, FullHttpRequest request, Optional<JsonNode> context) {
    WebSocketServerHandshakerFactory factory =
        new WebSocketServerHandshakerFactory("ws://localhost/", null, true, maxFrameBytes);
    WebSocketServerHandshaker handshaker = factory.newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    ClientSession session =
        sessions.open(ctx.channel(), address(ctx.channel().remoteAddress()), context);
    ctx.pipeline()
        .addLast(new WebSocketFrameAggregator(maxFrameBytes))
        .addLast(new ClientFrameHandler(session, handshaker))
        .remove(this);
    handshaker
        .handshake(ctx.channel(), request)
        .addListener(
            future -> {
              if (!future.isSuccess()) {
                LOG.debug("stream client handshake failed", future.cause());
                ctx.close();
              }
            });
  }

  private static JsonNode authInput(
      FullHttpRequest request, String path, String query, ChannelHandlerContext ctx) {
    Map<String, JsonNode> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> header : request.headers()) {
      // As the reference: lower-case names, one value per name (the last), values outside
      // visible ASCII left out.
      if (visibleAscii(header.getValue())) {
        headers.put(
            header.getKey().toLowerCase(java.util.Locale.ROOT),
            JsonNode.createStringNode(header.getValue()));
      }
    }
    Map<String, List<JsonNode>> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.isEmpty()) {
        continue;
      }
      // Not percent-decoded, as in the reference.
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.computeIfAbsent(key, k -> new ArrayList<>()).add(JsonNode.createStringNode(value));
    }
    Map<String, JsonNode> queryParams = new LinkedHashMap<>();
    params.forEach((k, v) -> queryParams.put(k, JsonNode.createArrayNode(v)));
    Map<String, JsonNode> input = new LinkedHashMap<>();
    input.put("headers", JsonNode.createObjectNode(headers));
    input.put("path", JsonNode.createStringNode(path));
    input.put("query_params", JsonNode.createObjectNode(queryParams));
    input.put("addr", JsonNode.createStringNode(address(ctx.channel().remoteAddress())));
    return JsonNode.createObjectNode(input);
  }

  private static boolean visibleAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 32 || c > 126) && c != '\t') {
        return false;
      }
    }
    return true;
  }

  /** {@code ip:port}, IPv6 in brackets, as Rust prints a socket address. */
  static String address(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      String host = inet.getAddress().getHostAddress();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }

  private static void refuse(
      ChannelHandlerContext ctx, HttpResponseStatus status, String code, String message) {
    Map<String, JsonNode> error = new LinkedHashMap<>();
    error.put("code", JsonNode.createStringNode(code));
    error.put("message", JsonNode.createStringNode(message));
    byte[] body =
        JsonText.write(JsonNode.createObjectNode(Map.of("error", JsonNode.createObjectNode(error))))
            .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("stream client connection failed before the upgrade", cause);
    ctx.close();
  }
}

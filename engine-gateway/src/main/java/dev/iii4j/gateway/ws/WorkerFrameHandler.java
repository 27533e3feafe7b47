package dev.iii4j.gateway.ws;

import dev.iii4j.gateway.HandshakeInfo;
import dev.iii4j.gateway.ListenerPolicy;
import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.telemetry.TelemetryForwarder;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.ProtocolException;
import dev.iii4j.protocol.SerialExecutor;
import dev.iii4j.protocol.UpgradeHeaders;
import io.micronaut.core.annotation.Nullable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames of one upgraded connection. Control frames are answered on the socket thread; protocol
 * frames are decoded here. Results, and calls while the connection has nothing queued, are routed
 * right here on the socket thread (routing them never blocks); every other frame is applied by the
 * connection's serial executor, which may wait (registration hooks, reattach). A frame that does
 * not decode is counted, logged (rate-limited, {@link BadFrameLog}) and dropped: the connection
 * stays up. Framing errors are {@link FrameGuard}'s: size, checked before this handler, and a text
 * message that is not UTF-8, which this handler finds ({@link Utf8}) and hands to the guard.
 */
final class WorkerFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerFrameHandler.class);
  private static final int LOGGED_FRAME_CHARS = 200;

  private final WorkerListener listener;
  private final WebSocketServerHandshaker handshaker;
  private final boolean telemetry;
  private final boolean trusted;
  private final @Nullable String ip;
  private final ListenerPolicy policy;
  private final HandshakeInfo handshake;
  private volatile boolean refused;
  private WorkerSession session;
  private SerialExecutor inbound;
  private final BadFrameLog badFrames;

  WorkerFrameHandler(
      WorkerListener listener,
      WebSocketServerHandshaker handshaker,
      boolean telemetry,
      boolean trusted,
      @Nullable String ip,
      ListenerPolicy policy,
      HandshakeInfo handshake) {
    this.listener = listener;
    this.handshaker = handshaker;
    this.telemetry = telemetry;
    this.trusted = trusted;
    this.ip = ip;
    this.policy = policy;
    this.handshake = handshake;
    this.badFrames = new BadFrameLog(listener.badFrameCounters(), this::who);
  }

  /** This connection's bad-frame log, shared with its {@link FrameGuard}. */
  BadFrameLog badFrames() {
    return badFrames;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    listener.track(ctx.channel());
    if (telemetry) {
      return;
    }
    session =
        new WorkerSession(
            new NettyOutbound(
                ctx.channel(),
                listener.codec(),
                UpgradeHeaders.BINARY_FRAMES.equals(
                    handshake.headers().get(UpgradeHeaders.FRAMES))),
            trusted,
            ip,
            policy,
            handshake);
    inbound = new SerialExecutor(listener.taskExecutor());
    WorkerSession opened = session;
    // Frames that arrive while the auth function runs wait in the executor behind this task.
    inbound.execute(() -> refused = !listener.router().open(opened));
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    switch (frame) {
      case PingWebSocketFrame ping ->
          ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      case PongWebSocketFrame pong -> {}
      case CloseWebSocketFrame close -> handshaker.close(ctx.channel(), close.retain());
      case TextWebSocketFrame text -> accept(ctx, text.content(), true);
      case BinaryWebSocketFrame binary -> acceptBinary(ctx, binary.content());
      default -> LOG.debug("unexpected frame {} from {}", frame.getClass().getSimpleName(), who());
    }
  }

  private void acceptBinary(ChannelHandlerContext ctx, ByteBuf content) {
    if (content.readableBytes() >= 4) {
      String prefix = content.toString(content.readerIndex(), 4, StandardCharsets.US_ASCII);
      if (prefix.equals("OTLP") || prefix.equals("MTRC") || prefix.equals("LOGS")) {
        // Telemetry: handed to the forwarder (a bounded queue; discarded when telemetry is off).
        TelemetryForwarder telemetry = listener.telemetry();
        if (telemetry.enabled()) {
          telemetry.offerFrame(
              prefix,
              content.toString(
                  content.readerIndex() + 4, content.readableBytes() - 4, StandardCharsets.UTF_8));
        }
        return;
      }
    }
    accept(ctx, content, false);
  }

  private void accept(ChannelHandlerContext ctx, ByteBuf content, boolean text) {
    if (telemetry || blank(content)) {
      return;
    }
    // The frame's bytes are decoded as they are (no String in between); payloads keep a slice of
    // this copy, since the socket's buffer is released when this method returns.
    byte[] utf8 = ByteBufUtil.getBytes(content);
    if (!Utf8.isValid(utf8, 0, utf8.length)) {
      if (text) {
        // RFC 6455: a text message that is not UTF-8 fails the connection (1007, FrameGuard).
        ctx.pipeline()
            .fireExceptionCaught(
                new CorruptedWebSocketFrameException(
                    WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "text frame is not valid UTF-8"));
      } else {
        // A binary frame may hold anything, but one that is parsed as JSON must be UTF-8: it is
        // dropped like any frame that does not decode, and its payload never reaches a peer.
        badFrames.report("invalid_utf8", "binary frame is not valid UTF-8", null);
      }
      return;
    }
    Message message;
    try {
      message = listener.codec().decode(utf8);
    } catch (ProtocolException e) {
      badFrames.report("decode", e.getMessage(), excerpt(new String(utf8, StandardCharsets.UTF_8)));
      return;
    }
    WorkerSession target = session;
    if (message instanceof Message.InvocationResult result) {
      // Results only complete waiting calls, so they skip the queue: a registration hook that
      // this same connection answers must not wait behind the registration it is deciding.
      if (!refused) {
        listener.router().handle(target, result);
      }
      return;
    }
    if (message instanceof Message.InvokeFunction && inbound.backlog() == 0) {
      // Routing a call never blocks, so with nothing queued before it (only this socket thread
      // queues work for the connection, so nothing can slip in) it runs right here: no hand-off,
      // and the connection's order is kept.
      if (!refused) {
        listener.router().handle(target, message);
      }
      return;
    }
    inbound.execute(
        () -> {
          if (!refused) {
            listener.router().handle(target, message);
          }
        });
    if (inbound.backlog() > listener.backlogLimit() && ctx.channel().config().isAutoRead()) {
      // Backpressure: stop reading this socket until the frames already read are applied.
      LOG.debug("worker {} has {} frames waiting; pausing reads", who(), inbound.backlog());
      ctx.channel().config().setAutoRead(false);
      inbound.execute(() -> ctx.channel().config().setAutoRead(true));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (session != null) {
      WorkerSession closed = session;
      inbound.execute(
          () -> {
            if (!refused) {
              listener.router().cleanup(closed);
            }
          });
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("socket error on worker {}", who(), cause);
    ctx.close();
  }

  private static boolean blank(ByteBuf content) {
    for (int i = content.readerIndex(); i < content.writerIndex(); i++) {
      byte b = content.getByte(i);
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private String who() {
    return session == null ? "telemetry connection" : session.toString();
  }

  private static String excerpt(String text) {
    return text.length() <= LOGGED_FRAME_CHARS
        ? text
        : text.substring(0, LOGGED_FRAME_CHARS) + "… (" + text.length() + " chars)";
  }
}

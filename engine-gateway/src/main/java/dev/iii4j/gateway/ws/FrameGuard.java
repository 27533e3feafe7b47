package dev.iii4j.gateway.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an upgraded connection that breaks the WebSocket rules, with the close code RFC 6455 gives
 * for it: 1009 for a frame or message over the size limits, 1007 for a text message that is not
 * UTF-8 (found by {@link WorkerFrameHandler} once the message is whole), 1002 for other framing
 * errors. Each is counted as a bad frame.
 *
 * <p>The close is graceful so the peer always reads the code: the close frame is flushed, the
 * sending side shut down, and whatever the peer still sends (the rest of an oversized frame) is
 * read and discarded until it closes or {@link #LINGER_MS} pass. Closing at once with unread bytes
 * makes the kernel answer with a reset, and a client then sees 1006 (abnormal closure) instead of
 * 1009.
 *
 * <p>Sits after the frame aggregator and before the frame handler; one per connection, event loop
 * only.
 */
final class FrameGuard extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(FrameGuard.class);
  static final long LINGER_MS = 5_000;

  private final BadFrameLog log;
  private final int maxMessageBytes;
  private boolean closing;

  FrameGuard(BadFrameLog log, int maxMessageBytes) {
    this.log = log;
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    WebSocketCloseStatus status;
    String reason;
    if (cause instanceof TooLongFrameException) {
      status = WebSocketCloseStatus.MESSAGE_TOO_BIG;
      reason = "message larger than " + maxMessageBytes + " bytes";
    } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
      status =
          corrupted.closeStatus() == null
              ? WebSocketCloseStatus.PROTOCOL_ERROR
              : corrupted.closeStatus();
      reason = status.code() == 1007 ? "text frame is not valid UTF-8" : cause.getMessage();
    } else {
      ctx.fireExceptionCaught(cause);
      return;
    }
    if (closing) {
      return;
    }
    closing = true;
    log.report(
        status.code() == 1009 ? "too_big" : status.code() == 1007 ? "invalid_utf8" : "protocol",
        cause.getMessage(),
        null);
    LOG.debug("{}: {}; closing with {}", ctx.channel(), cause.getMessage(), status.code());
    ctx.channel().config().setAutoRead(true);
    ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), truncate(reason)))
        .addListener(
            written -> {
              if (written.isSuccess() && ctx.channel() instanceof SocketChannel socket) {
                socket.shutdownOutput();
              } else {
                ctx.close();
              }
            });
    ctx.executor().schedule(() -> ctx.close(), LINGER_MS, TimeUnit.MILLISECONDS);
  }

  /** A close reason must fit a control frame (125 bytes with the code). */
  private static String truncate(String reason) {
    String text = reason == null ? "" : reason;
    return text.length() <= 100 ? text : text.substring(0, 100);
  }
}

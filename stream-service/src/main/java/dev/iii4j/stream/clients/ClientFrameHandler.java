package dev.iii4j.stream.clients;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
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
 * The frames of one client after the upgrade: text and binary frames are requests (binary decoded
 * as UTF-8), Ping is answered with Pong, Close is answered and the socket closed. Writability
 * changes drain the session's queue.
 */
final class ClientFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger LOG = LoggerFactory.getLogger(ClientFrameHandler.class);

  private final ClientSession session;
  private final WebSocketServerHandshaker handshaker;

  ClientFrameHandler(ClientSession session, WebSocketServerHandshaker handshaker) {
    this.session = session;
    this.handshaker = handshaker;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    switch (frame) {
      case TextWebSocketFrame text -> session.onFrame(text.text());
      case BinaryWebSocketFrame binary ->
          session.onFrame(binary.content().toString(StandardCharsets.UTF_8));
      case PingWebSocketFrame ping ->
          ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      case CloseWebSocketFrame close -> handshaker.close(ctx.channel(), close.retain());
      default -> {
        // Pong and stray continuation frames carry nothing for us.
      }
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      session.drain();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    session.onClosed();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      LOG.warn("stream client {}: frame too large; closing with 1009", session.id());
      session.close(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "frame too large");
    } else if (cause instanceof CorruptedFrameException) {
      LOG.warn("stream client {}: bad frame ({}); closing", session.id(), cause.getMessage());
      session.close(WebSocketCloseStatus.PROTOCOL_ERROR.code(), "bad frame");
    } else {
      LOG.debug("stream client {}: connection error", session.id(), cause);
      ctx.close();
    }
  }
}

package dev.iii4j.gateway.ws;

import dev.iii4j.gateway.Outbound;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.MessageCodec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends a connection's messages as text frames; Netty keeps writes in order per channel. */
final class NettyOutbound implements Outbound {
  private static final Logger LOG = LoggerFactory.getLogger(NettyOutbound.class);

  private final Channel channel;
  private final MessageCodec codec;
  private final AtomicBoolean closing = new AtomicBoolean();

  NettyOutbound(Channel channel, MessageCodec codec) {
    this.channel = channel;
    this.codec = codec;
  }

  @Override
  public boolean send(Message message) {
    if (!isOpen()) {
      return false;
    }
    String text;
    try {
      text = codec.encode(message);
    } catch (RuntimeException e) {
      LOG.error("cannot encode {} for {}", MessageCodec.typeOf(message), channel, e);
      return false;
    }
    channel.writeAndFlush(new TextWebSocketFrame(text));
    return true;
  }

  @Override
  public void close(int code, String reason) {
    if (closing.compareAndSet(false, true) && channel.isActive()) {
      channel
          .writeAndFlush(new CloseWebSocketFrame(code, reason))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public boolean isOpen() {
    return !closing.get() && channel.isActive();
  }
}

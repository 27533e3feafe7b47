package dev.iii4j.gateway.ws;

import dev.iii4j.gateway.Outbound;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.MessageCodec;
import dev.iii4j.protocol.UpgradeHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a connection's messages, encoded on the sending thread; Netty keeps writes in order per
 * channel. Text frames, as the protocol has them, or binary frames (the same UTF-8 JSON) to a peer
 * whose upgrade request asked for them ({@link UpgradeHeaders#FRAMES}, our extension), which saves
 * such a peer decoding every message into UTF-16 characters and encoding it back to bytes for its
 * parser.
 */
final class NettyOutbound implements Outbound {
  private static final Logger LOG = LoggerFactory.getLogger(NettyOutbound.class);

  private final Channel channel;
  private final MessageCodec codec;
  private final boolean binary;
  private final AtomicBoolean closing = new AtomicBoolean();

  /**
   * @param binary whether messages go out as binary frames rather than text
   */
  NettyOutbound(Channel channel, MessageCodec codec, boolean binary) {
    this.channel = channel;
    this.codec = codec;
    this.binary = binary;
  }

  @Override
  public boolean send(Message message) {
    if (!isOpen()) {
      return false;
    }
    // One encode, as UTF-8 straight into the socket's buffer, sized for the frame so it does not
    // grow while written (a 1 MiB payload grew a 256-byte buffer a dozen times); raw payloads are
    // copied, not re-encoded.
    ByteBuf buffer = channel.alloc().buffer(codec.sizeHint(message));
    try {
      codec.encodeTo(message, new ByteBufOutputStream(buffer));
    } catch (RuntimeException e) {
      buffer.release();
      LOG.error("cannot encode {} for {}", MessageCodec.typeOf(message), channel, e);
      return false;
    }
    channel.writeAndFlush(
        binary ? new BinaryWebSocketFrame(buffer) : new TextWebSocketFrame(buffer));
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

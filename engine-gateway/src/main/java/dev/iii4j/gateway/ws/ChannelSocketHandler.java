package dev.iii4j.gateway.ws;

import dev.iii4j.gateway.channel.ChannelRegistry;
import dev.iii4j.gateway.channel.StreamChannel;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of a streaming channel on {@code /ws/channels/{id}}. The writing side turns frames into
 * items and stops reading the socket while the channel's buffer is full (WebSocket backpressure);
 * frames that arrive within 10 ms after its Close still count, then the stream ends. The reading
 * side forwards items in order while the socket is writable and closes (no status code) once the
 * writer finished and the buffer is drained. A dropped channel closes both sides with 4001 and the
 * reason. All state is touched on the socket's event loop.
 */
final class ChannelSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  /** Close code for a channel that ended abnormally (owner gone, expired, reader gone). */
  static final int CHANNEL_DROPPED = 4001;

  private static final Logger LOG = LoggerFactory.getLogger(ChannelSocketHandler.class);
  private static final long CLOSE_GRACE_MS = 10;

  private final StreamChannel channel;
  private final ChannelRegistry registry;
  private final WebSocketServerHandshaker handshaker;
  private final boolean writer;
  private final ArrayDeque<StreamChannel.Item> held = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private boolean attached;
  private boolean ending;
  private boolean finished;

  ChannelSocketHandler(
      StreamChannel channel,
      ChannelRegistry registry,
      WebSocketServerHandshaker handshaker,
      boolean writer) {
    this.channel = channel;
    this.registry = registry;
    this.handshaker = handshaker;
    this.writer = writer;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    this.ctx = context;
    String refusal =
        writer
            ? channel.takeWriter(
                () -> onLoop(this::flushHeld), reason -> onLoop(() -> dropped(reason)))
            : channel.takeReader(
                () -> onLoop(this::drain), reason -> onLoop(() -> dropped(reason)));
    attached = refusal == null;
    if (!attached) {
      // A side that is taken is a client error (1008); a channel that ended before this side
      // attached (owner gone, expired) gets the same 4001 the attached sides got.
      int code = refusal.endsWith("already taken") ? 1008 : CHANNEL_DROPPED;
      LOG.debug(
          "channel {}: {} side refused: {}", channel.id(), writer ? "write" : "read", refusal);
      context
          .writeAndFlush(new CloseWebSocketFrame(code, refusal))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (!writer) {
      drain();
    }
  }

  /**
   * Runs a channel callback on this socket's event loop, always deferred: both sockets of a channel
   * may share one event loop, and running inline would re-enter the other side's offer or poll.
   */
  private void onLoop(Runnable task) {
    ctx.executor().execute(task);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext context, WebSocketFrame frame) {
    switch (frame) {
      case PingWebSocketFrame ping ->
          context.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      case PongWebSocketFrame pong -> {}
      case CloseWebSocketFrame close -> {
        if (writer && attached) {
          CloseWebSocketFrame answer = close.retain();
          // The SDK closes 10 ms after its last send; frames still in flight count.
          context
              .executor()
              .schedule(
                  () -> {
                    endOfStream();
                    handshaker.close(context.channel(), answer);
                  },
                  CLOSE_GRACE_MS,
                  TimeUnit.MILLISECONDS);
        } else {
          handshaker.close(context.channel(), close.retain());
        }
      }
      case TextWebSocketFrame text -> write(new StreamChannel.Text(text.text()));
      case BinaryWebSocketFrame binary ->
          write(new StreamChannel.Binary(ByteBufUtil.getBytes(binary.content())));
      default -> {}
    }
  }

  private void write(StreamChannel.Item item) {
    if (!writer || !attached || ending) {
      return;
    }
    if (!held.isEmpty() || !channel.offer(item)) {
      held.add(item);
      ctx.channel().config().setAutoRead(false);
    }
  }

  private void flushHeld() {
    while (!held.isEmpty() && channel.offer(held.peek())) {
      held.poll();
    }
    if (held.isEmpty()) {
      if (ending) {
        channel.finishWriting();
      } else {
        ctx.channel().config().setAutoRead(true);
      }
    }
  }

  private void endOfStream() {
    if (ending) {
      return;
    }
    ending = true;
    if (held.isEmpty()) {
      channel.finishWriting();
    }
  }

  private void drain() {
    if (finished || !ctx.channel().isActive()) {
      return;
    }
    boolean wrote = false;
    while (ctx.channel().isWritable()) {
      StreamChannel.Item item = channel.poll();
      if (item == null) {
        if (channel.drained()) {
          finished = true;
          registry.remove(channel);
          ctx.writeAndFlush(new CloseWebSocketFrame(true, 0, Unpooled.EMPTY_BUFFER))
              .addListener(ChannelFutureListener.CLOSE);
          return;
        }
        break;
      }
      switch (item) {
        case StreamChannel.Text t -> ctx.write(new TextWebSocketFrame(t.text()));
        case StreamChannel.Binary b ->
            ctx.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(b.bytes())));
      }
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
    if (!writer && context.channel().isWritable()) {
      drain();
    }
    super.channelWritabilityChanged(context);
  }

  private void dropped(String reason) {
    finished = true;
    held.clear();
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(new CloseWebSocketFrame(CHANNEL_DROPPED, reason))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) throws Exception {
    if (attached) {
      if (writer) {
        // Socket error or EOF ends the stream like a Close.
        endOfStream();
      } else if (!finished) {
        // Nobody will read the rest: release the writer instead of blocking it forever.
        registry.remove(channel);
        channel.drop("reader disconnected");
      }
    }
    super.channelInactive(context);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    LOG.debug("channel {} socket error", channel.id(), cause);
    context.close();
  }
}

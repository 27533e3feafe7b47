package dev.iii4j.http.netty;

import dev.iii4j.http.Reply;
import dev.iii4j.http.Responses;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Per-connection rules that sit right after the HTTP codec:
 *
 * <ul>
 *   <li>a version other than HTTP/1.0 or HTTP/1.1 is answered 505 and the connection closed;
 *   <li>a request with both {@code Content-Length} and {@code Transfer-Encoding} is answered 400
 *       and the connection closed (RFC 9112 §6.1: the body's end is ambiguous);
 *   <li>a connection that started a request but has not finished its headers within the header read
 *       timeout gets 408 and is closed (slow-header clients cannot hold connections open);
 *   <li>a connection with no request in flight and no bytes arriving for the idle timeout is
 *       closed.
 * </ul>
 *
 * <p>One instance per connection; every method runs on the connection's event loop.
 */
final class ConnectionGuard extends ChannelDuplexHandler {
  private final Responses responses;
  private final long headerTimeoutNanos;
  private final long idleTimeoutNanos;
  private int inFlight;
  private boolean readingHeaders;
  private boolean rejected;
  private ScheduledFuture<?> timer;

  ConnectionGuard(Responses responses, Duration headerTimeout, Duration idleTimeout) {
    this.responses = responses;
    this.headerTimeoutNanos = headerTimeout.toNanos();
    this.idleTimeoutNanos = idleTimeout.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      awaitRequest(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    awaitRequest(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (rejected) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      if (!request.protocolVersion().equals(HttpVersion.HTTP_1_1)
          && !request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
        reject(
            ctx,
            msg,
            responses.error(
                505,
                "HTTP_VERSION_NOT_SUPPORTED",
                "HTTP version " + request.protocolVersion().text() + " is not supported",
                null,
                null));
        return;
      }
      if (request.decoderResult().cause() instanceof StrictServerCodec.AmbiguousLengthException
          || (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
              && request.headers().contains(HttpHeaderNames.CONTENT_LENGTH))) {
        reject(
            ctx,
            msg,
            responses.error(
                400,
                "BAD_REQUEST",
                "A request must not carry both Content-Length and Transfer-Encoding",
                null,
                null));
        return;
      }
      inFlight++;
      readingHeaders = false;
      cancelTimer();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Bytes arrived but no request head was decoded yet: the header clock starts.
    if (inFlight == 0 && !readingHeaders && !rejected) {
      readingHeaders = true;
      schedule(ctx, headerTimeoutNanos, true);
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean ends =
        msg instanceof LastHttpContent
            && !(msg instanceof HttpResponse response && informational(response));
    if (ends && !rejected) {
      promise.addListener(
          done -> {
            if (--inFlight == 0 && ctx.channel().isActive()) {
              awaitRequest(ctx);
            }
          });
    }
    ctx.write(msg, promise);
  }

  private static boolean informational(HttpResponse response) {
    return response.status().code() >= 100 && response.status().code() < 200;
  }

  private void awaitRequest(ChannelHandlerContext ctx) {
    readingHeaders = false;
    schedule(ctx, idleTimeoutNanos, false);
  }

  private void schedule(ChannelHandlerContext ctx, long nanos, boolean headers) {
    cancelTimer();
    if (nanos <= 0) {
      return;
    }
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  if (inFlight > 0 || rejected) {
                    return;
                  }
                  if (headers) {
                    reject(
                        ctx,
                        null,
                        responses.error(
                            408,
                            "REQUEST_TIMEOUT",
                            "The request headers did not arrive in time",
                            null,
                            null));
                  } else {
                    ctx.close();
                  }
                },
                nanos,
                TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void reject(ChannelHandlerContext ctx, Object msg, Reply reply) {
    rejected = true;
    cancelTimer();
    ReferenceCountUtil.release(msg);
    answerAndClose(ctx, reply);
    // Whatever follows on this connection is discarded; reading on lets the close be seen.
    ctx.channel().config().setAutoRead(true);
  }

  /**
   * Writes {@code reply} with {@code Connection: close} and closes the connection after it: shuts
   * the sending side, then closes when the client has closed or after {@link #LINGER}, whichever
   * comes first (the timer is cancelled when the connection closes).
   */
  static void answerAndClose(ChannelHandlerContext ctx, Reply reply) {
    // Also when another handler rejects (the aggregator's 413): the guard's header and idle
    // timers must not cut the lingering close short, and what still arrives is dropped.
    ConnectionGuard guard = ctx.pipeline().get(ConnectionGuard.class);
    if (guard != null) {
      guard.rejected = true;
      guard.cancelTimer();
    }
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(reply.status()),
            Unpooled.wrappedBuffer(reply.body()));
    reply.headers().forEach(h -> response.headers().add(h.name(), h.value()));
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (!written.isSuccess() || !(ctx.channel() instanceof DuplexChannel duplex)) {
                    ctx.close();
                    return;
                  }
                  // A lingering close: closing a socket with unread bytes (the rest of a body
                  // the client is still sending) resets the connection, and the client may then
                  // lose the answer before reading it. So only our side is shut (the client
                  // reads the answer, then end of stream); what still arrives is read and
                  // dropped until the client closes, or for LINGER at most.
                  duplex.shutdownOutput();
                  ScheduledFuture<?> linger =
                      ctx.executor()
                          .schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
                  // The client usually closes first: the timer then has nothing left to do.
                  ctx.channel().closeFuture().addListener(closed -> linger.cancel(false));
                });
  }

  /** How long a rejected connection is read and drained before it is closed. */
  private static final Duration LINGER = Duration.ofSeconds(5);
}

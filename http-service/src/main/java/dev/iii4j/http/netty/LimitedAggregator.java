package dev.iii4j.http.netty;

import dev.iii4j.http.Responses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Collects a request's body up to the limit; a larger one (by {@code content-length} or as it
 * arrives) is answered with a JSON 413 and the connection is closed, since the rest of the body
 * would still be on the wire.
 */
final class LimitedAggregator extends HttpObjectAggregator {
  private final Responses responses;
  private final long limit;

  LimitedAggregator(int limit, Responses responses) {
    super(limit, true);
    this.responses = responses;
    this.limit = limit;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    ConnectionGuard.answerAndClose(ctx, responses.payloadTooLarge(limit));
  }
}

package dev.iii4j.http.netty;

import dev.iii4j.http.Reply;
import dev.iii4j.http.Responses;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

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
    Reply reply = responses.payloadTooLarge(limit);
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(reply.status()),
            Unpooled.wrappedBuffer(reply.body()));
    reply.headers().forEach(h -> response.headers().add(h.name(), h.value()));
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}

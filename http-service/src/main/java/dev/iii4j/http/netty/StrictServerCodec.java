package dev.iii4j.http.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * Netty's {@code HttpServerCodec}, except that a request carrying both {@code Content-Length} and
 * {@code Transfer-Encoding} is marked as failed with {@link AmbiguousLengthException} instead of
 * having its {@code Content-Length} dropped: RFC 9112 §6.1 lets a server reject it, and a proxy in
 * front that reads the other header would otherwise see a different request boundary (request
 * smuggling). Keeps the server codec's HEAD handling (no body on the wire for a HEAD answer).
 *
 * <p>One instance per connection, used on its event loop only.
 */
final class StrictServerCodec
    extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {

  /** The decoder failure of a request that states its length twice. */
  static final class AmbiguousLengthException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    AmbiguousLengthException() {
      super("Content-Length together with Transfer-Encoding");
    }
  }

  private final Queue<HttpMethod> methods = new ArrayDeque<>();

  StrictServerCodec() {
    init(new Decoder(new HttpDecoderConfig()), new Encoder());
  }

  private final class Decoder extends HttpRequestDecoder {
    Decoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
        throws Exception {
      int before = out.size();
      super.decode(ctx, buffer, out);
      for (int i = before; i < out.size(); i++) {
        if (out.get(i) instanceof HttpRequest request) {
          methods.add(request.method());
        }
      }
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      message.setDecoderResult(DecoderResult.failure(new AmbiguousLengthException()));
    }
  }

  private final class Encoder extends HttpResponseEncoder {
    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse response) {
      // A 1xx (100 Continue) precedes the real answer to the same request.
      HttpMethod method =
          response.status().codeClass() == HttpStatusClass.INFORMATIONAL
              ? methods.peek()
              : methods.poll();
      return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(response);
    }
  }
}

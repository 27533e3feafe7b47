package dev.iii4j.gateway.telemetry;

import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.invocation.Call;
import dev.iii4j.gateway.invocation.InvocationTracer;
import dev.iii4j.gateway.invocation.Outcome;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Opens the engine's span of each routed invocation (W3C trace context): the caller's {@code
 * traceparent} is the parent, or the call starts a trace; the executor receives this span as its
 * parent; the span ends with the call's outcome and error code and goes to the {@link
 * TelemetryForwarder}. As in the reference, a built-in called without a trace context gets no span
 * (engine machinery and polling must not root traces of their own); a caller's context that is not
 * sampled (flags {@code 00}) or not well-formed is handed on as it came, without a span; the
 * forwarding call itself is never traced.
 *
 * <p>Cost on the routing path: two random numbers, one 55-character string, and at the end one
 * small record offered to a bounded queue.
 */
@Singleton
@Requires(property = GatewayProperties.ENABLED, notEquals = "false")
@Requires(property = TelemetryProperties.PREFIX + ".enabled", notEquals = "false")
public final class EngineTracer implements InvocationTracer {
  private static final long EPOCH_NANOS_AT_START =
      System.currentTimeMillis() * 1_000_000L - System.nanoTime();

  private final TelemetryForwarder forwarder;

  EngineTracer(TelemetryForwarder forwarder) {
    this.forwarder = forwarder;
  }

  @Override
  public @Nullable OpenSpan open(Call call, String kind) {
    String parent = call.traceparent();
    if (call.functionId().equals(TelemetryForwarder.INGEST)) {
      return null;
    }
    String traceId;
    String parentSpanId;
    if (parent != null) {
      if (!Traceparent.valid(parent) || !Traceparent.sampled(parent)) {
        return null; // Handed on as the caller sent it.
      }
      traceId = Traceparent.traceId(parent);
      parentSpanId = Traceparent.spanId(parent);
    } else if (kind.equals("builtin")) {
      return null;
    } else {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      traceId = Traceparent.hex(random.nextLong() | 1L) + Traceparent.hex(random.nextLong());
      parentSpanId = null;
    }
    String spanId = Traceparent.hex(ThreadLocalRandom.current().nextLong() | 1L);
    return new Open(traceId, spanId, parentSpanId, call.functionId(), kind, now());
  }

  private static long now() {
    return EPOCH_NANOS_AT_START + System.nanoTime();
  }

  private final class Open implements OpenSpan {
    private final String traceId;
    private final String spanId;
    private final @Nullable String parentSpanId;
    private final String functionId;
    private final String kind;
    private final long start;

    Open(
        String traceId,
        String spanId,
        @Nullable String parentSpanId,
        String functionId,
        String kind,
        long start) {
      this.traceId = traceId;
      this.spanId = spanId;
      this.parentSpanId = parentSpanId;
      this.functionId = functionId;
      this.kind = kind;
      this.start = start;
    }

    @Override
    public String traceparent() {
      return "00-" + traceId + "-" + spanId + "-01";
    }

    @Override
    public void close(Outcome outcome) {
      forwarder.offer(
          new EngineSpan(
              traceId,
              spanId,
              parentSpanId,
              functionId,
              kind,
              start,
              now(),
              outcome.failed() ? outcome.error().code() : null,
              outcome.failed() ? outcome.error().message() : null));
    }
  }
}

package dev.iii4j.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Per-call settings of {@link EngineWorker#call(String, JsonNode, CallOptions)}. Immutable; start
 * with {@link #defaults()} and use the withers.
 *
 * @param timeout the client-side timeout; null means {@link WorkerOptions#invocationTimeout()}
 * @param metadata per-invocation metadata delivered to the handler beside the payload
 * @param traceparent W3C trace context to propagate
 * @param baggage W3C baggage to propagate
 */
public record CallOptions(
    @Nullable Duration timeout,
    @Nullable JsonNode metadata,
    @Nullable String traceparent,
    @Nullable String baggage) {

  private static final CallOptions DEFAULTS = new CallOptions(null, null, null, null);

  /**
   * Checks the timeout.
   *
   * @throws IllegalArgumentException when the timeout is zero or negative
   */
  public CallOptions {
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  /** No timeout override, no metadata, no trace context. */
  public static CallOptions defaults() {
    return DEFAULTS;
  }

  /** These options with the given timeout. */
  public CallOptions withTimeout(@Nullable Duration timeout) {
    return new CallOptions(timeout, metadata, traceparent, baggage);
  }

  /** These options with the given metadata. */
  public CallOptions withMetadata(@Nullable JsonNode metadata) {
    return new CallOptions(timeout, metadata, traceparent, baggage);
  }

  /** These options with the given traceparent. */
  public CallOptions withTraceparent(@Nullable String traceparent) {
    return new CallOptions(timeout, metadata, traceparent, baggage);
  }

  /** These options with the given baggage. */
  public CallOptions withBaggage(@Nullable String baggage) {
    return new CallOptions(timeout, metadata, traceparent, baggage);
  }
}

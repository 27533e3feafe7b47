package dev.iii4j.gateway.invocation;

import io.micronaut.core.annotation.Nullable;

/**
 * Opens the engine's span of a routed invocation. Implementations must be cheap: {@link #open} runs
 * on the routing path of every call.
 */
public interface InvocationTracer {

  /**
   * The span of {@code call}, about to run on an executor of {@code kind} ({@code worker}, {@code
   * http} or {@code builtin}, or {@code none} when no provider was found); null when this call gets
   * none.
   */
  @Nullable
  OpenSpan open(Call call, String kind);

  /** A span that is open until its call ends. */
  interface OpenSpan {
    /** The W3C {@code traceparent} the executor continues (this span as the parent). */
    String traceparent();

    /** Ends the span with the call's outcome. */
    void close(Outcome outcome);
  }
}

package dev.iii4j.service.outbox;

import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.Invocation;
import io.micronaut.core.annotation.Nullable;
import java.util.Objects;

/**
 * The W3C trace context a change was written under ({@code traceparent} and {@code baggage} of the
 * writing call), kept with the change's outbox row so that the trigger calls made after commit
 * continue the writer's trace: one request stays one trace across the outbox.
 *
 * @param traceparent the writer's {@code traceparent}, as it came
 * @param baggage the writer's {@code baggage}, when it sent one
 */
public record EventTrace(String traceparent, @Nullable String baggage) {

  /** Checks the traceparent. */
  public EventTrace {
    Objects.requireNonNull(traceparent, "traceparent");
  }

  /** The trace of a call, or null when it carried no {@code traceparent}. */
  public static @Nullable EventTrace of(@Nullable String traceparent, @Nullable String baggage) {
    return traceparent == null || traceparent.isBlank()
        ? null
        : new EventTrace(traceparent, baggage);
  }

  /** The trace of an inbound invocation, or null when it carried no {@code traceparent}. */
  public static @Nullable EventTrace of(Invocation invocation) {
    return of(invocation.traceparent(), invocation.baggage());
  }

  /** {@code options} continuing {@code trace}; {@code options} unchanged when it is null. */
  public static CallOptions continuing(CallOptions options, @Nullable EventTrace trace) {
    return trace == null
        ? options
        : options.withTraceparent(trace.traceparent()).withBaggage(trace.baggage());
  }
}

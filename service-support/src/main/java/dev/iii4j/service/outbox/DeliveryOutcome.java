package dev.iii4j.service.outbox;

import io.micronaut.core.annotation.Nullable;
import java.time.Duration;
import java.util.List;

/**
 * What a delivery round did with one {@link PendingEvent}.
 *
 * @param eventId the outbox id
 * @param remaining the targets still to deliver; empty marks the event delivered
 * @param retryAfter when {@code remaining} is not empty, the delay before the next attempt
 * @param error the last failure, kept on the outbox row for operators
 */
public record DeliveryOutcome(
    long eventId,
    List<EventTarget> remaining,
    @Nullable Duration retryAfter,
    @Nullable String error) {
  /** Copies the targets. */
  public DeliveryOutcome {
    remaining = List.copyOf(remaining);
  }

  /** Every target was handled. */
  public static DeliveryOutcome delivered(long eventId) {
    return new DeliveryOutcome(eventId, List.of(), null, null);
  }
}

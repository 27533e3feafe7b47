package dev.iii4j.service.outbox;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.List;

/**
 * An undelivered event claimed by a dispatcher.
 *
 * @param id the outbox id; per key ids follow commit order
 * @param event what the triggers receive
 * @param pending the targets not yet delivered, in delivery order
 * @param attempts how many delivery rounds were already retried
 * @param createdAt when the change committed
 * @param trace the writer's trace context, which the deliveries continue; null when it had none
 * @param <E> the service's event type
 */
public record PendingEvent<E>(
    long id,
    E event,
    List<EventTarget> pending,
    int attempts,
    Instant createdAt,
    @Nullable EventTrace trace) {
  /** Copies the targets. */
  public PendingEvent {
    pending = List.copyOf(pending);
  }
}

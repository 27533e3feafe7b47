package dev.iii4j.state;

import java.time.Instant;
import java.util.List;

/**
 * An undelivered event claimed by a dispatcher.
 *
 * @param id the outbox id; per (scope, key) ids follow commit order
 * @param event the change
 * @param pending the targets not yet delivered, in delivery order
 * @param attempts how many delivery rounds were already retried
 * @param createdAt when the change committed
 */
public record PendingEvent(
    long id, StateEvent event, List<EventTarget> pending, int attempts, Instant createdAt) {
  /** Copies the targets. */
  public PendingEvent {
    pending = List.copyOf(pending);
  }
}

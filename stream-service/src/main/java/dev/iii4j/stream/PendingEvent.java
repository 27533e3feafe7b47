package dev.iii4j.stream;

import java.time.Instant;
import java.util.List;

/**
 * An undelivered trigger event claimed by a dispatcher.
 *
 * @param id the outbox id; per item ids follow commit order
 * @param message the message the triggers receive
 * @param pending the targets not yet delivered, in delivery order
 * @param attempts how many delivery rounds were already retried
 * @param createdAt when the change committed
 */
public record PendingEvent(
    long id, StreamMessage message, List<EventTarget> pending, int attempts, Instant createdAt) {
  /** Copies the targets. */
  public PendingEvent {
    pending = List.copyOf(pending);
  }
}

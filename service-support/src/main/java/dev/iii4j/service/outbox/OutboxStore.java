package dev.iii4j.service.outbox;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The outbox side of a service's store: the events its writes appended, in the same transactions.
 *
 * <p>Threading: thread-safe; every method blocks on the database. Errors: every method throws the
 * store's own exception when the database fails; nothing is then changed.
 *
 * @param <E> the service's event type
 */
public interface OutboxStore<E> {

  /**
   * Delivers one batch of events: claims up to {@code limit} due, undelivered events that are the
   * oldest undelivered event of their key, and holds the claim while {@code delivery} runs, so that
   * other dispatchers (replicas) skip them and events of one key go out one at a time in commit
   * order. Then records the outcomes in the same transaction. If the process dies before that, the
   * claims lapse and the events are delivered again (at least once).
   *
   * @param delivery called once with the claimed events (never empty); returns one outcome per
   *     event; events without an outcome stay pending unchanged
   * @return the number of events claimed
   */
  int dispatch(int limit, Function<List<PendingEvent<E>>, List<DeliveryOutcome>> delivery);

  /**
   * Deletes delivered events older than {@code retention}.
   *
   * @return the number of events deleted
   */
  int prune(Duration retention);

  /** The number of events not yet delivered, for monitoring and tests. */
  long undelivered();
}

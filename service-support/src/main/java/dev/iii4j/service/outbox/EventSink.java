package dev.iii4j.service.outbox;

import io.micronaut.core.annotation.Nullable;

/**
 * Delivers one event to one trigger target: evaluates the target's condition function, then awaits
 * its handler.
 *
 * <p>Threading: thread-safe; {@link #deliver} blocks until the handler answered and may be called
 * concurrently for different events.
 *
 * @param <E> the service's event type
 */
public interface EventSink<E> {
  /** How a delivery ended. */
  enum Result {
    /**
     * The handler ran, the condition skipped it, or it failed (failures are logged, not retried).
     */
    DONE,
    /** The target could not be reached (no connection, function not registered); retry later. */
    UNREACHABLE
  }

  /** Whether deliveries can be attempted now (the gateway connection is up). */
  boolean ready();

  /**
   * Delivers {@code event} to {@code target}, continuing {@code trace} (the writer's trace context,
   * null when it had none); never throws.
   */
  Result deliver(E event, @Nullable EventTrace trace, EventTarget target);
}

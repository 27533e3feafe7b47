package dev.iii4j.stream;

/**
 * Delivers one message to one {@code stream} trigger: evaluates the trigger's condition function,
 * then awaits its handler.
 *
 * <p>Threading: thread-safe; {@link #deliver} blocks until the handler answered and may be called
 * concurrently for different events.
 */
public interface EventSink {

  /** How a delivery ended. */
  enum Result {
    /** The handler ran, the condition skipped it, or it failed (logged, not retried). */
    DONE,
    /** The target could not be reached (no connection, function not registered); retry later. */
    UNREACHABLE
  }

  /** Whether deliveries can be attempted now (the gateway connection is up). */
  boolean ready();

  /** Delivers {@code message} to {@code target}; never throws. */
  Result deliver(StreamMessage message, EventTarget target);
}

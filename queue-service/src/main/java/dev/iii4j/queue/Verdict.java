package dev.iii4j.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * What the {@link QueueService} decided about one delivery attempt; the {@link QueueBackend}
 * carries it out. This is the port's {@code ack} / {@code nack(delivery, attempt)} in one closed
 * type.
 */
public sealed interface Verdict {

  /** The function succeeded (or a condition skipped it): the message is done. */
  record Ack() implements Verdict {}

  /**
   * The attempt failed and the message is to be delivered again after {@code delay}.
   *
   * @param job the job with its attempt count already raised and its last error set
   * @param delay how long to wait before the next attempt; never negative
   */
  record Retry(Job job, Duration delay) implements Verdict {
    /** Checks the components. */
    public Retry {
      Objects.requireNonNull(job, "job");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative: " + delay);
      }
    }
  }

  /**
   * The message is moved to the dead letters.
   *
   * @param job the job with its final attempt count and last error
   * @param error the reason, {@code "<code>: <message>"}
   */
  record DeadLettered(Job job, String error) implements Verdict {
    /** Checks the components. */
    public DeadLettered {
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(error, "error");
    }
  }

  /** The shared {@link Ack}. */
  static Verdict ack() {
    return ACK;
  }

  /** The one instance of {@link Ack}. */
  Ack ACK = new Ack();
}

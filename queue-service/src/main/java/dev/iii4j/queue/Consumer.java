package dev.iii4j.queue;

import io.micronaut.core.annotation.Nullable;
import java.time.Duration;
import java.util.Objects;

/**
 * What one consumer of a {@link QueueBackend} reads, and how.
 *
 * @param destination the queue or topic to read
 * @param functionId for a topic, the subscribed function: the consumer sees only that function's
 *     copies, and all consumers of one (topic, function) pair share the messages, across replicas;
 *     null for a named queue
 * @param concurrency the most messages in flight at once on this replica; at least 1
 * @param ordered true for FIFO: messages of one group are delivered one at a time in order, and a
 *     failing message blocks its group (only its group) until it succeeds or is dead-lettered
 * @param pollInterval how long one poll waits when nothing is ready
 */
public record Consumer(
    Destination destination,
    @Nullable String functionId,
    int concurrency,
    boolean ordered,
    Duration pollInterval) {

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException when concurrency is below 1, a topic consumer has no function,
   *     or a queue consumer has one
   */
  public Consumer {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(pollInterval, "pollInterval");
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
    }
    if ((destination.kind() == Destination.Kind.TOPIC) != (functionId != null)) {
      throw new IllegalArgumentException(
          "a topic consumer needs a function id and a queue consumer must not have one");
    }
  }
}

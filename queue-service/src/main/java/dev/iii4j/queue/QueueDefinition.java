package dev.iii4j.queue;

import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.queue.config.QueueProperties;
import io.micronaut.core.annotation.Nullable;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A validated named queue.
 *
 * @param name the queue name
 * @param retryPolicy attempts and backoff
 * @param concurrency the most deliveries in flight per replica
 * @param fifo whether messages of one group are delivered in order, one at a time
 * @param messageGroupField for FIFO queues, the payload field naming the group
 * @param pollInterval how long a poll waits while the queue is empty
 * @param handlerTimeout how long a delivery may take; null waits for the answer
 * @param partitions partitions of the queue's topics; null uses the service default
 */
public record QueueDefinition(
    String name,
    RetryPolicy retryPolicy,
    int concurrency,
    boolean fifo,
    @Nullable String messageGroupField,
    Duration pollInterval,
    @Nullable Duration handlerTimeout,
    @Nullable Integer partitions) {

  /** Checks the components. */
  public QueueDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    Objects.requireNonNull(pollInterval, "pollInterval");
  }

  /**
   * Validates configured settings with the reference's messages (spec section 1.1).
   *
   * @throws QueueException with {@link ErrorCode#DESERIALIZATION_ERROR} naming the problem
   */
  public static QueueDefinition of(QueueProperties p) {
    String type = p.type() == null ? "standard" : p.type().toLowerCase(Locale.ROOT);
    if (!type.equals("standard") && !type.equals("fifo")) {
      throw invalid(
          "Queue '"
              + p.name()
              + "' has invalid type '"
              + p.type()
              + "'. Must be 'standard' or 'fifo'");
    }
    boolean fifo = type.equals("fifo");
    if (fifo && (p.messageGroupField() == null || p.messageGroupField().isBlank())) {
      throw invalid(
          "Queue '" + p.name() + "' is of type 'fifo' but 'message_group_field' is not set");
    }
    if (p.concurrency() < 1) {
      throw invalid(
          "Queue '"
              + p.name()
              + "' has 'concurrency' "
              + p.concurrency()
              + "; it must be at least 1");
    }
    if (p.maxRetries() < 0 || p.backoffMs() < 0 || p.pollIntervalMs() < 1) {
      throw invalid(
          "Queue '"
              + p.name()
              + "' needs max-retries >= 0, backoff-ms >= 0 and poll-interval-ms >= 1");
    }
    if (p.partitions() != null && p.partitions() < 1) {
      throw invalid("Queue '" + p.name() + "' has 'partitions' " + p.partitions());
    }
    if (p.handlerTimeout() != null
        && (p.handlerTimeout().isZero() || p.handlerTimeout().isNegative())) {
      throw invalid("Queue '" + p.name() + "' has a non-positive 'handler-timeout'");
    }
    RetryPolicy policy;
    try {
      policy =
          RetryPolicy.forQueue(
              p.maxRetries(), Duration.ofMillis(p.backoffMs()), p.backoffMultiplier());
    } catch (IllegalArgumentException e) {
      throw invalid("Queue '" + p.name() + "': " + e.getMessage());
    }
    return new QueueDefinition(
        p.name(),
        policy,
        p.concurrency(),
        fifo,
        fifo ? p.messageGroupField() : null,
        Duration.ofMillis(p.pollIntervalMs()),
        p.handlerTimeout(),
        p.partitions());
  }

  private static QueueException invalid(String message) {
    return new QueueException(ErrorCode.DESERIALIZATION_ERROR, message);
  }
}

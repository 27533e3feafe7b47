package dev.iii4j.queue;

import io.micronaut.core.annotation.Nullable;
import java.util.Objects;

/**
 * One {@code durable:subscriber} trigger: function {@code functionId} receives every message
 * published to {@code topic} after it subscribed.
 *
 * @param triggerId the trigger's id
 * @param topic the topic
 * @param functionId the subscribed function
 * @param conditionFunctionId called with the data first; a JSON {@code false} drops the message
 * @param fifo {@code queue_config.type == "fifo"}: serial delivery with blocking retries
 * @param concurrency {@code queue_config.concurrency} (default 10; 0 pauses consumption)
 * @param retryPolicy from {@code queue_config.maxRetries} and {@code backoffDelayMs}
 */
public record Subscription(
    String triggerId,
    String topic,
    String functionId,
    @Nullable String conditionFunctionId,
    boolean fifo,
    int concurrency,
    RetryPolicy retryPolicy) {

  /** Default {@code queue_config.concurrency} of a subscriber. */
  public static final int DEFAULT_CONCURRENCY = 10;

  /** Checks the components. */
  public Subscription {
    Objects.requireNonNull(triggerId, "triggerId");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(functionId, "functionId");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    if (concurrency < 0) {
      throw new IllegalArgumentException("concurrency must not be negative");
    }
  }

  /** The delivery settings, without the trigger id: two triggers with equal settings share. */
  Settings settings() {
    return new Settings(conditionFunctionId, fifo, concurrency, retryPolicy);
  }

  /** What a subscription's consumer is started with. */
  record Settings(
      @Nullable String conditionFunctionId,
      boolean fifo,
      int concurrency,
      RetryPolicy retryPolicy) {}
}

package dev.iii4j.queue.config;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * One named queue, bound from {@code engine.queues.<name>.*} (environment: {@code
 * ENGINE_QUEUES_<NAME>_MAX_RETRIES=5}, ...). The keys mirror the reference's {@code
 * queue_configs.<name>} (spec section 1.1); a queue named {@code default} always exists, with these
 * defaults unless configured.
 *
 * @param name the queue name, from the configuration key
 * @param maxRetries total delivery attempts before the message is dead-lettered; 0 behaves like 1
 * @param concurrency the most messages in flight at once per replica; at least 1. The default is
 *     {@value #DEFAULT_CONCURRENCY}, not the reference's 10: every delivery here is a call through
 *     the gateway (another process and two more WebSocket hops), so one slot turns over more slowly
 *     and a replica needs more of them to deliver as fast as it accepts enqueues: one replica
 *     delivers at most {@code concurrency} over the delivery round trip (10 to 15 ms under load),
 *     so with 10 a replica fell seconds behind, and with 64 it still built a backlog in some B5
 *     runs. Lower it for handlers that must not run that many at once
 * @param type {@code standard} or {@code fifo}
 * @param messageGroupField for {@code fifo}: the top-level payload field whose value is the group
 * @param backoffMs the delay after the first failure, in milliseconds
 * @param backoffMultiplier growth of the delay per further failure (the reference uses 2)
 * @param pollIntervalMs how long a poll waits while the queue is empty, in milliseconds
 * @param handlerTimeout how long one delivery may take before it counts as failed; unset (the
 *     default) waits until the function answers or its worker disconnects, so a long-running
 *     handler is never retried while it still runs
 * @param partitions partitions of the queue's Kafka topics; unset uses {@code
 *     engine.queue.partitions}
 */
@EachProperty(value = QueueProperties.PREFIX, primary = QueueProperties.DEFAULT_QUEUE)
public record QueueProperties(
    @Parameter String name,
    @Bindable(defaultValue = "3") int maxRetries,
    @Bindable(defaultValue = "256") int concurrency,
    @Bindable(defaultValue = "standard") String type,
    @Nullable String messageGroupField,
    @Bindable(defaultValue = "1000") long backoffMs,
    @Bindable(defaultValue = "2.0") double backoffMultiplier,
    @Bindable(defaultValue = "100") long pollIntervalMs,
    @Nullable Duration handlerTimeout,
    @Nullable Integer partitions) {

  /** The configuration prefix of the named queues. */
  public static final String PREFIX = "engine.queues";

  /** Deliveries in flight per replica of a queue that does not set {@code concurrency}. */
  public static final int DEFAULT_CONCURRENCY = 256;

  /** The queue that always exists. */
  public static final String DEFAULT_QUEUE = "default";

  /** The settings of a queue nobody configured: the reference's defaults but concurrency. */
  public static QueueProperties defaults(String name) {
    return new QueueProperties(
        name, 3, DEFAULT_CONCURRENCY, "standard", null, 1000, 2.0, 100, null, null);
  }
}

package dev.iii4j.queue.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * Settings of the queue service, bound from {@code engine.queue.*}. The Kafka cluster itself is
 * micronaut-kafka's {@code kafka.bootstrap.servers} ({@code KAFKA_BOOTSTRAP_SERVERS}).
 *
 * <p>The gateway connection ({@code engine.queue.gateway-url}, {@code service-token}, {@code
 * worker-name}, {@code reconnect-max-delay}) is service-support's {@link
 * dev.iii4j.service.GatewayConnection}.
 *
 * @param topicPrefix prefix of every Kafka topic and consumer group this service uses
 * @param partitions default partitions of the Kafka topics of queues and durable topics
 * @param replicationFactor replication factor of every Kafka topic this service creates
 * @param maxBuffered the most records one consumer holds in memory (ready, or waiting for their
 *     retry time) before it pauses fetching
 * @param stopTimeout how long stopping a consumer (or giving up its partitions in a rebalance)
 *     waits for deliveries in flight
 * @param requestTimeout deadline of Kafka admin requests and dead-letter reads
 */
@ConfigurationProperties(QueueServiceProperties.PREFIX)
public record QueueServiceProperties(
    @Bindable(defaultValue = "iii.") String topicPrefix,
    @Bindable(defaultValue = "3") @Min(1) int partitions,
    @Bindable(defaultValue = "1") @Min(1) short replicationFactor,
    @Bindable(defaultValue = "1000") @Min(1) int maxBuffered,
    @Bindable(defaultValue = "30s") Duration stopTimeout,
    @Bindable(defaultValue = "30s") Duration requestTimeout) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.queue";
}

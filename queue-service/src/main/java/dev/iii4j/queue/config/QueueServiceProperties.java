package dev.iii4j.queue.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Duration;

/**
 * Settings of the queue service, bound from {@code engine.queue.*}. The Kafka clients themselves
 * are configured with micronaut-kafka's {@code kafka.*} properties ({@code
 * KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM}, ...).
 *
 * @param gatewayUrl the gateway's worker socket ({@code ENGINE_GATEWAY_URL})
 * @param serviceToken the token that lets this service register built-in names ({@code
 *     III_SERVICE_TOKEN}); blank when the gateway runs open
 * @param workerName the name this service reports to the gateway
 * @param topicPrefix prefix of every Kafka topic and consumer group this service uses
 * @param partitions partitions of the Kafka topics of queues and durable topics; unset, the
 *     cluster's default ({@code num.partitions})
 * @param replicationFactor replication factor of every Kafka topic this service creates; unset, the
 *     cluster's default ({@code default.replication.factor})
 * @param maxBuffered the most records one consumer holds in memory (ready, or waiting for their
 *     retry time) before it pauses fetching
 * @param stopTimeout how long stopping a consumer (or giving up its partitions in a rebalance)
 *     waits for deliveries in flight
 * @param requestTimeout deadline of Kafka admin requests and dead-letter reads
 * @param enqueueTimeout the longest an enqueue waits for Kafka before it is answered "not stored"
 *     ({@code ENGINE_QUEUE_ENQUEUE_TIMEOUT}); the producer's metadata wait, request timeout and
 *     delivery timeout are derived from it so that the answer always comes within it. Keep it below
 *     the callers' timeout (the SDKs default to 30 s), so no caller gives up on a message that is
 *     then stored
 * @param consumerSessionTimeout how long Kafka waits for a silent consumer before it gives the
 *     replica's partitions to the others ({@code ENGINE_QUEUE_CONSUMER_SESSION_TIMEOUT}): the
 *     failover time after a replica crashes. Kafka's default is 45 s; the broker's {@code
 *     group.min.session.timeout.ms} (6 s by default) is the floor
 */
@ConfigurationProperties(QueueServiceProperties.PREFIX)
public record QueueServiceProperties(
    @Bindable(defaultValue = "ws://127.0.0.1:49134/") URI gatewayUrl,
    @Nullable String serviceToken,
    @Bindable(defaultValue = "queue-service") String workerName,
    @Bindable(defaultValue = "iii.") String topicPrefix,
    @Nullable @Min(1) Integer partitions,
    @Nullable @Min(1) Short replicationFactor,
    @Bindable(defaultValue = "1000") @Min(1) int maxBuffered,
    @Bindable(defaultValue = "30s") Duration stopTimeout,
    @Bindable(defaultValue = "30s") Duration requestTimeout,
    @Bindable(defaultValue = "20s") Duration enqueueTimeout,
    @Bindable(defaultValue = "6s") Duration consumerSessionTimeout) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.queue";
}

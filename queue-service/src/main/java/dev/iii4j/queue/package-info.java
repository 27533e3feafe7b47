/**
 * The queue's domain: the {@link dev.iii4j.queue.QueueService} policy (validation, retry decisions,
 * subscriptions, dead-letter operations), the {@link dev.iii4j.queue.QueueBackend} port it drives,
 * the {@link dev.iii4j.queue.RetryPolicy} and the records that cross the port. It must not depend
 * on Kafka, JDBC, Micronaut Data or HTTP types: the adapter in {@code queue.kafka} translates them,
 * and an ArchUnit rule keeps it so.
 */
package dev.iii4j.queue;

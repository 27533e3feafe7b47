/**
 * The Kafka adapter of {@link dev.iii4j.queue.QueueBackend}: an idempotent producer with {@code
 * acks=all}, one consumer loop per consumer group, retry topics gated by due time, and compacted
 * dead-letter topics read on demand. Kafka's exceptions never leave this package; they become
 * {@link dev.iii4j.queue.QueueBackendException}. Nothing outside this package may depend on it
 * except through the port.
 */
package dev.iii4j.queue.kafka;

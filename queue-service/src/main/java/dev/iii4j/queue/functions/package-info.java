/**
 * What this service registers with the gateway through the worker SDK: the functions {@code
 * engine::queue::enqueue}, {@code iii::durable::publish}, the dead-letter and inspection functions,
 * and the trigger type {@code durable:subscriber}; plus the readiness check of the gateway
 * connection. It turns requests into calls of {@link dev.iii4j.queue.QueueService} and its errors
 * into wire errors; it must not depend on Kafka or on the adapter package.
 */
package dev.iii4j.queue.functions;

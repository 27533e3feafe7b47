/**
 * Configuration of the queue service as records: the named queues ({@code engine.queues.<name>})
 * and the service's own settings ({@code engine.queue}), plus the factory that turns the worker SDK
 * into a bean. It must not depend on Kafka types or on the service's other packages.
 */
package dev.iii4j.queue.config;

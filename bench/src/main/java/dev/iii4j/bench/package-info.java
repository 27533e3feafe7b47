/**
 * The benchmark harness behind {@code bin/bench}: starts real components (the gateway and the
 * services as processes from their runnable jars, PostgreSQL and Kafka in a child JVM, Node
 * processes for the Node SDK), measures every hot path together with its raw floor in the same run,
 * and writes a Markdown and a JSON report of ratios. Not a library: nothing else depends on it.
 */
package dev.iii4j.bench;

/** Prometheus gauges of the queue service: depth and dead letters of every queue and topic. */
package dev.iii4j.queue.metrics;

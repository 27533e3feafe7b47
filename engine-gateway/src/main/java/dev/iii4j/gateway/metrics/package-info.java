/**
 * Micrometer metrics of the gateway (invocations by function and outcome, connected workers,
 * functions, triggers, channels), exported for Prometheus on the management port.
 */
package dev.iii4j.gateway.metrics;

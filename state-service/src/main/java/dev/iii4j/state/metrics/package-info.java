/** Micrometer metrics of the state service, exported for Prometheus on the management port. */
package dev.iii4j.state.metrics;

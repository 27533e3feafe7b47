/**
 * The PostgreSQL adapter of {@link dev.iii4j.observability.TelemetryStore}: batched inserts, the
 * reads of the query functions, pruning. Must not depend on the worker SDK.
 */
package dev.iii4j.observability.jdbc;

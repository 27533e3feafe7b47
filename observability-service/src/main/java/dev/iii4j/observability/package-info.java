/**
 * The observability service's domain: spans and log records in the reference's stored shapes
 * ({@link dev.iii4j.observability.Span}, {@link dev.iii4j.observability.LogRecord}), how OTLP/JSON
 * becomes them ({@link dev.iii4j.observability.OtlpJson}), the trace queries behind {@code
 * engine::traces::*} ({@link dev.iii4j.observability.TraceQueries}) and the storage port {@link
 * dev.iii4j.observability.TelemetryStore}. It must not depend on JDBC, Flyway, the worker SDK or
 * the OpenTelemetry SDK: storage is adapted in {@code observability.jdbc}, the gateway connection
 * in {@code observability.functions}, OTLP export in {@code observability.export}.
 */
package dev.iii4j.observability;

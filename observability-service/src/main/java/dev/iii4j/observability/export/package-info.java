/**
 * OTLP export of what the service ingests, with the OpenTelemetry Java SDK configured from the
 * standard {@code OTEL_*} variables. Must not depend on the storage adapter or the worker SDK.
 */
package dev.iii4j.observability.export;

package dev.iii4j.observability;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

/**
 * One stored log record. {@code doc} is the record as {@code engine::logs::list} returns it (the
 * reference's shape: {@code timestamp_unix_nano}, {@code observed_timestamp_unix_nano}, {@code
 * severity_number}, {@code severity_text}, {@code body}, {@code attributes}, {@code trace_id},
 * {@code span_id}, {@code resource}, {@code service_name}, ...).
 *
 * @param timestampNanos when it was written, Unix nanoseconds
 * @param traceId the trace it was written in, if any
 * @param spanId the span it was written in, if any
 * @param severityNumber OTLP severity, 1 to 24 (0 unknown)
 * @param severityText {@code INFO}, {@code ERROR}, ...
 * @param doc the whole record
 */
public record LogRecord(
    long timestampNanos,
    @Nullable String traceId,
    @Nullable String spanId,
    int severityNumber,
    String severityText,
    JsonNode doc) {

  /** A record from its stored shape. */
  public static LogRecord of(JsonNode doc) {
    return new LogRecord(
        Span.number(doc.get("timestamp_unix_nano")),
        Span.optional(doc.get("trace_id")),
        Span.optional(doc.get("span_id")),
        (int) Span.number(doc.get("severity_number")),
        Span.text(doc.get("severity_text")),
        doc);
  }
}

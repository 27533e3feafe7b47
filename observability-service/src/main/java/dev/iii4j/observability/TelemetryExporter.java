package dev.iii4j.observability;

import java.util.List;

/**
 * Hands what was ingested on: to an OTLP collector (spans, log records, metrics), to the {@code
 * log} and {@code trace} triggers. Called on the ingesting thread after the batch is stored;
 * implementations hand off and return at once, and never throw.
 */
public interface TelemetryExporter {

  /** Exports the spans, log records and metrics of one stored batch. */
  void export(List<Span> spans, List<LogRecord> logs, List<Metric> metrics);
}

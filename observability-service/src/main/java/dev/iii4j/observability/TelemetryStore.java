package dev.iii4j.observability;

import io.micronaut.core.annotation.Nullable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Where spans and logs live, shared by every replica: what one replica stored, any replica reads.
 * Implementations throw {@link TelemetryStoreException} when the store fails.
 */
public interface TelemetryStore {

  /** Stores spans; a span already stored (same trace and span id) is replaced. */
  void addSpans(Collection<Span> spans);

  /** Stores log records. */
  void addLogs(Collection<LogRecord> logs);

  /** Every span of these traces. */
  List<Span> spansOf(Collection<String> traceIds);

  /**
   * Stored spans, newest first, at most {@code limit}; only the roots of their traces (no parent,
   * or a parent that is not stored) unless {@code everySpan}.
   */
  List<Span> spans(boolean everySpan, int limit);

  /** Log records matching {@code query}, newest first, and how many matched before paging. */
  LogPage logs(LogQuery query);

  /** Forgets every span. */
  void clearSpans();

  /** Forgets every log record. */
  void clearLogs();

  /**
   * Drops what is older than {@code retention} and the oldest beyond {@code maxSpans} spans and
   * {@code maxLogs} records.
   *
   * @return how many spans and records were dropped
   */
  long prune(Duration retention, int maxSpans, int maxLogs);

  /**
   * A filter of {@code engine::logs::list}; null fields do not filter. Times are Unix milliseconds.
   */
  record LogQuery(
      @Nullable Long startTime,
      @Nullable Long endTime,
      @Nullable String traceId,
      @Nullable String spanId,
      @Nullable Integer severityMin,
      @Nullable String severityText,
      int offset,
      int limit) {}

  /** One page of log records and the number that matched. */
  record LogPage(List<LogRecord> logs, long total) {}
}

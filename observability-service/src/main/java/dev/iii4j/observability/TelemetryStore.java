package dev.iii4j.observability;

import io.micronaut.core.annotation.Nullable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where spans and logs live, shared by every replica: what one replica stored, any replica reads.
 * Implementations throw {@link TelemetryStoreException} when the store fails.
 */
public interface TelemetryStore {

  /** Stores spans; a span already stored (same trace and span id) is replaced. */
  void addSpans(Collection<Span> spans);

  /** Stores log records. */
  void addLogs(Collection<LogRecord> logs);

  /** Stores SDK metrics. */
  void addMetrics(Collection<Metric> metrics);

  /**
   * Stored metrics, oldest first; {@code name} (exact) and the ingestion-time range (Unix
   * nanoseconds, both ends included) filter when not null.
   */
  List<Metric> metrics(@Nullable String name, @Nullable Long startNanos, @Nullable Long endNanos);

  /**
   * How many calls the gateway's spans ({@code call <function_id>}, the ones with an {@code
   * iii.executor} attribute) record per function and status, over what is stored.
   */
  List<Invocations> invocations();

  /** Duration statistics over every stored span (milliseconds); zeros when none is stored. */
  Durations durations();

  /** How many spans, log records and metrics are stored. */
  Counts counts();

  /** The stored state of every alert rule that was evaluated. */
  List<AlertState> alertStates();

  /**
   * Runs one alert evaluation as the only one in the cluster: under a lock every replica shares
   * (waiting for it when {@code wait}, else giving up when another holds it), hands the stored
   * states to {@code evaluation} and stores the states it returns, in one transaction.
   *
   * @return whether the evaluation ran
   */
  boolean evaluateAlerts(boolean wait, UnaryOperator<List<AlertState>> evaluation);

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
   * Drops what is older than {@code retention} and the oldest beyond {@code maxSpans} spans, {@code
   * maxLogs} records and {@code maxMetrics} metrics.
   *
   * @return how many spans, records and metrics were dropped
   */
  long prune(Duration retention, int maxSpans, int maxLogs, int maxMetrics);

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

  /** Calls of one function that ended with one status ({@code ok}, {@code error}). */
  record Invocations(String functionId, String status, long count) {}

  /** Span durations in milliseconds: mean, nearest-rank percentiles, extremes. */
  record Durations(double avg, double p50, double p95, double p99, double min, double max) {}

  /**
   * An alert rule's state, as {@code engine::alerts::list} returns it.
   *
   * @param lastEvaluated Unix ms
   * @param lastTriggered Unix ms of the last time it fired (took its action)
   * @param operator the rule's operator as the reference names it here ({@code GreaterThan}, ...)
   */
  record AlertState(
      String name,
      boolean firing,
      long lastEvaluated,
      @Nullable Long lastTriggered,
      @Nullable Double currentValue,
      double threshold,
      String operator) {}

  /** What is stored. */
  record Counts(long spans, long logs, long metrics) {}

  /** One page of log records and the number that matched. */
  record LogPage(List<LogRecord> logs, long total) {}
}

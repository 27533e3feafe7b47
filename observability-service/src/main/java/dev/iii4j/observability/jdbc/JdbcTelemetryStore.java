package dev.iii4j.observability.jdbc;

import dev.iii4j.observability.Application;
import dev.iii4j.observability.LogRecord;
import dev.iii4j.observability.Metric;
import dev.iii4j.observability.Span;
import dev.iii4j.observability.TelemetryStore;
import dev.iii4j.observability.TelemetryStoreException;
import dev.iii4j.ops.JsonWriter;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * {@link TelemetryStore} on PostgreSQL ({@code iii_observability.span}, {@code .log} and {@code
 * .metric}). A batch of spans or records is one JDBC batch in one transaction; spans are upserted
 * on (trace id, span id). The stored documents are jsonb, read back as they were written.
 */
@Singleton
@Requires(env = Application.ENVIRONMENT)
public class JdbcTelemetryStore implements TelemetryStore {
  private static final String INSERT_SPAN =
      "INSERT INTO iii_observability.span (trace_id, span_id, parent_span_id, start_ns, doc)"
          + " VALUES (?, ?, ?, ?, CAST(? AS jsonb)) ON CONFLICT (trace_id, span_id) DO UPDATE SET"
          + " parent_span_id = EXCLUDED.parent_span_id, start_ns = EXCLUDED.start_ns,"
          + " doc = EXCLUDED.doc, stored_at = clock_timestamp()";
  private static final String INSERT_LOG =
      "INSERT INTO iii_observability.log (timestamp_ns, trace_id, span_id, severity_number,"
          + " severity_text, doc) VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb))";

  private static final String INSERT_METRIC =
      "INSERT INTO iii_observability.metric (name, timestamp_ns, doc) VALUES (?, ?, CAST(? AS"
          + " jsonb))";

  private static final String UPSERT_ALERT_STATE =
      "INSERT INTO iii_observability.alert_state (name, firing, last_evaluated, last_triggered,"
          + " current_value, threshold, operator) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name)"
          + " DO UPDATE SET firing = EXCLUDED.firing, last_evaluated = EXCLUDED.last_evaluated,"
          + " last_triggered = EXCLUDED.last_triggered, current_value = EXCLUDED.current_value,"
          + " threshold = EXCLUDED.threshold, operator = EXCLUDED.operator";

  /** The advisory lock one alert evaluation holds at a time, cluster-wide ("iiialert"). */
  private static final long ALERT_LOCK = 0x6969_6961_6c65_7274L;

  private final DataSource dataSource;
  private final JsonMapper json;

  JdbcTelemetryStore(
      DataSource dataSource, @Nullable DataSourceResolver resolver, JsonMapper json) {
    // The pool itself: where Micronaut Data is on the class path (services sharing a JVM), the
    // DataSource bean is its contextual wrapper, which hands out connections only inside its own
    // connection scope; these statements manage their own connections and transactions.
    this.dataSource =
        (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
    this.json = json;
  }

  @Override
  public void addSpans(Collection<Span> spans) {
    if (spans.isEmpty()) {
      return;
    }
    inTransaction(
        "store spans",
        c -> {
          try (PreparedStatement insert = c.prepareStatement(INSERT_SPAN)) {
            for (Span s : spans) {
              insert.setString(1, s.traceId());
              insert.setString(2, s.spanId());
              if (s.parentSpanId() == null) {
                insert.setNull(3, Types.VARCHAR);
              } else {
                insert.setString(3, s.parentSpanId());
              }
              insert.setLong(4, s.startNanos());
              insert.setString(5, JsonWriter.text(s.doc()));
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return null;
        });
  }

  @Override
  public void addLogs(Collection<LogRecord> logs) {
    if (logs.isEmpty()) {
      return;
    }
    inTransaction(
        "store logs",
        c -> {
          try (PreparedStatement insert = c.prepareStatement(INSERT_LOG)) {
            for (LogRecord r : logs) {
              insert.setLong(1, r.timestampNanos());
              insert.setString(2, r.traceId());
              insert.setString(3, r.spanId());
              insert.setInt(4, r.severityNumber());
              insert.setString(5, r.severityText());
              insert.setString(6, JsonWriter.text(r.doc()));
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return null;
        });
  }

  @Override
  public void addMetrics(Collection<Metric> metrics) {
    if (metrics.isEmpty()) {
      return;
    }
    inTransaction(
        "store metrics",
        c -> {
          try (PreparedStatement insert = c.prepareStatement(INSERT_METRIC)) {
            for (Metric m : metrics) {
              insert.setString(1, m.name());
              insert.setLong(2, m.timestampNanos());
              insert.setString(3, JsonWriter.text(m.doc()));
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return null;
        });
  }

  @Override
  public List<Metric> metrics(
      @Nullable String name, @Nullable Long startNanos, @Nullable Long endNanos) {
    StringBuilder where = new StringBuilder(" WHERE true");
    List<Object> args = new ArrayList<>();
    if (name != null) {
      where.append(" AND name = ?");
      args.add(name);
    }
    if (startNanos != null) {
      where.append(" AND timestamp_ns >= ?");
      args.add(startNanos);
    }
    if (endNanos != null) {
      where.append(" AND timestamp_ns <= ?");
      args.add(endNanos);
    }
    return inTransaction(
        "read metrics",
        c -> {
          try (PreparedStatement select =
              c.prepareStatement(
                  "SELECT doc FROM iii_observability.metric"
                      + where
                      + " ORDER BY timestamp_ns, seq")) {
            bind(select, args);
            List<Metric> metrics = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                metrics.add(Metric.of(parse(rows.getString(1))));
              }
            }
            return metrics;
          }
        });
  }

  @Override
  public List<Invocations> invocations() {
    return inTransaction(
        "count invocations",
        c -> {
          try (PreparedStatement select =
              c.prepareStatement(
                  "SELECT (SELECT a->>1 FROM jsonb_array_elements(doc->'attributes') a"
                      + " WHERE a->>0 = 'function_id' LIMIT 1) AS function_id,"
                      + " doc->>'status', count(*) FROM iii_observability.span"
                      + " WHERE doc->'attributes' @> '[[\"iii.executor\"]]'::jsonb"
                      + " GROUP BY 1, 2")) {
            List<Invocations> counts = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                String function = rows.getString(1);
                if (function != null) {
                  counts.add(new Invocations(function, rows.getString(2), rows.getLong(3)));
                }
              }
            }
            return counts;
          }
        });
  }

  @Override
  public Durations durations() {
    return inTransaction(
        "span durations",
        c -> {
          try (PreparedStatement select =
                  c.prepareStatement(
                      "SELECT avg(d), percentile_disc(0.5) WITHIN GROUP (ORDER BY d),"
                          + " percentile_disc(0.95) WITHIN GROUP (ORDER BY d),"
                          + " percentile_disc(0.99) WITHIN GROUP (ORDER BY d), min(d), max(d)"
                          + " FROM (SELECT GREATEST((doc->>'end_time_unix_nano')::bigint - start_ns, 0)"
                          + " / 1000000.0 AS d FROM iii_observability.span"
                          + " WHERE (doc->>'end_time_unix_nano')::bigint > 0) s");
              ResultSet rows = select.executeQuery()) {
            rows.next();
            return new Durations(
                rows.getDouble(1),
                rows.getDouble(2),
                rows.getDouble(3),
                rows.getDouble(4),
                rows.getDouble(5),
                rows.getDouble(6));
          }
        });
  }

  @Override
  public Counts counts() {
    return inTransaction(
        "count",
        c -> {
          try (PreparedStatement select =
                  c.prepareStatement(
                      "SELECT (SELECT count(*) FROM iii_observability.span),"
                          + " (SELECT count(*) FROM iii_observability.log),"
                          + " (SELECT count(*) FROM iii_observability.metric)");
              ResultSet rows = select.executeQuery()) {
            rows.next();
            return new Counts(rows.getLong(1), rows.getLong(2), rows.getLong(3));
          }
        });
  }

  @Override
  public List<AlertState> alertStates() {
    return inTransaction("read alert states", JdbcTelemetryStore::readAlertStates);
  }

  @Override
  public boolean evaluateAlerts(boolean wait, UnaryOperator<List<AlertState>> evaluation) {
    return inTransaction(
        "evaluate alerts",
        c -> {
          try (PreparedStatement lock =
              c.prepareStatement(
                  wait
                      ? "SELECT true FROM pg_advisory_xact_lock(?)"
                      : "SELECT pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, ALERT_LOCK);
            try (ResultSet rows = lock.executeQuery()) {
              rows.next();
              if (!rows.getBoolean(1)) {
                return false;
              }
            }
          }
          List<AlertState> updated = evaluation.apply(readAlertStates(c));
          try (PreparedStatement upsert = c.prepareStatement(UPSERT_ALERT_STATE)) {
            for (AlertState a : updated) {
              upsert.setString(1, a.name());
              upsert.setBoolean(2, a.firing());
              upsert.setLong(3, a.lastEvaluated());
              upsert.setObject(4, a.lastTriggered(), Types.BIGINT);
              upsert.setObject(5, a.currentValue(), Types.DOUBLE);
              upsert.setDouble(6, a.threshold());
              upsert.setString(7, a.operator());
              upsert.addBatch();
            }
            upsert.executeBatch();
          }
          return true;
        });
  }

  private static List<AlertState> readAlertStates(Connection c) throws SQLException {
    List<AlertState> states = new ArrayList<>();
    try (PreparedStatement select =
            c.prepareStatement(
                "SELECT name, firing, last_evaluated, last_triggered, current_value, threshold,"
                    + " operator FROM iii_observability.alert_state ORDER BY name");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        states.add(
            new AlertState(
                rows.getString(1),
                rows.getBoolean(2),
                rows.getLong(3),
                rows.getObject(4, Long.class),
                rows.getObject(5, Double.class),
                rows.getDouble(6),
                rows.getString(7)));
      }
    }
    return states;
  }

  @Override
  public List<Span> spansOf(Collection<String> traceIds) {
    if (traceIds.isEmpty()) {
      return List.of();
    }
    return inTransaction(
        "read spans",
        c -> {
          try (PreparedStatement select =
              c.prepareStatement(
                  "SELECT doc FROM iii_observability.span WHERE trace_id = ANY (?)"
                      + " ORDER BY start_ns")) {
            select.setArray(1, c.createArrayOf("text", traceIds.toArray()));
            return spans(select);
          }
        });
  }

  @Override
  public List<Span> spans(boolean everySpan, int limit) {
    String roots =
        everySpan
            ? ""
            : " WHERE s.parent_span_id IS NULL OR NOT EXISTS (SELECT 1 FROM iii_observability.span"
                + " p WHERE p.trace_id = s.trace_id AND p.span_id = s.parent_span_id)";
    return inTransaction(
        "read spans",
        c -> {
          try (PreparedStatement select =
              c.prepareStatement(
                  "SELECT s.doc FROM iii_observability.span s"
                      + roots
                      + " ORDER BY s.seq DESC LIMIT ?")) {
            select.setInt(1, limit);
            return spans(select);
          }
        });
  }

  private List<Span> spans(PreparedStatement select) throws SQLException {
    List<Span> spans = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        spans.add(Span.of(parse(rows.getString(1))));
      }
    }
    return spans;
  }

  @Override
  public LogPage logs(LogQuery q) {
    StringBuilder where = new StringBuilder(" WHERE true");
    List<Object> args = new ArrayList<>();
    if (q.traceId() != null) {
      where.append(" AND trace_id = ?");
      args.add(q.traceId());
    }
    if (q.spanId() != null) {
      where.append(" AND span_id = ?");
      args.add(q.spanId());
    }
    if (q.severityMin() != null) {
      where.append(" AND severity_number >= ?");
      args.add(q.severityMin());
    }
    if (q.severityText() != null) {
      where.append(" AND lower(severity_text) = lower(?)");
      args.add(q.severityText());
    }
    if (q.startTime() != null) {
      where.append(" AND timestamp_ns >= ?");
      args.add(Math.multiplyExact(q.startTime(), 1_000_000L));
    }
    if (q.endTime() != null) {
      where.append(" AND timestamp_ns <= ?");
      args.add(Math.multiplyExact(q.endTime(), 1_000_000L));
    }
    return inTransaction(
        "read logs",
        c -> {
          long total;
          try (PreparedStatement count =
              c.prepareStatement("SELECT count(*) FROM iii_observability.log" + where)) {
            bind(count, args);
            try (ResultSet rows = count.executeQuery()) {
              rows.next();
              total = rows.getLong(1);
            }
          }
          List<LogRecord> logs = new ArrayList<>();
          try (PreparedStatement select =
              c.prepareStatement(
                  "SELECT doc FROM iii_observability.log"
                      + where
                      + " ORDER BY timestamp_ns DESC, seq DESC OFFSET ? LIMIT ?")) {
            bind(select, args);
            select.setInt(args.size() + 1, q.offset());
            select.setInt(args.size() + 2, q.limit());
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                logs.add(LogRecord.of(parse(rows.getString(1))));
              }
            }
          }
          return new LogPage(logs, total);
        });
  }

  @Override
  public void clearSpans() {
    update("clear spans", "DELETE FROM iii_observability.span");
  }

  @Override
  public void clearLogs() {
    update("clear logs", "DELETE FROM iii_observability.log");
  }

  @Override
  public long prune(Duration retention, int maxSpans, int maxLogs, int maxMetrics) {
    String older = "stored_at < clock_timestamp() - CAST(? AS interval)";
    String interval = retention.toMillis() + " milliseconds";
    return inTransaction(
        "prune",
        c -> {
          long dropped = 0;
          for (String table : List.of("span", "log", "metric")) {
            try (PreparedStatement delete =
                c.prepareStatement("DELETE FROM iii_observability." + table + " WHERE " + older)) {
              delete.setString(1, interval);
              dropped += delete.executeUpdate();
            }
            try (PreparedStatement delete =
                c.prepareStatement(
                    "DELETE FROM iii_observability."
                        + table
                        + " WHERE seq <= (SELECT seq FROM iii_observability."
                        + table
                        + " ORDER BY seq DESC OFFSET ? LIMIT 1)")) {
              delete.setInt(
                  1,
                  switch (table) {
                    case "span" -> maxSpans;
                    case "log" -> maxLogs;
                    default -> maxMetrics;
                  });
              dropped += delete.executeUpdate();
            }
          }
          return dropped;
        });
  }

  private void update(String what, String sql) {
    inTransaction(
        what,
        c -> {
          try (PreparedStatement statement = c.prepareStatement(sql)) {
            return statement.executeUpdate();
          }
        });
  }

  private static void bind(PreparedStatement statement, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      statement.setObject(i + 1, args.get(i));
    }
  }

  private JsonNode parse(String text) {
    try {
      return json.readValue(text, Argument.of(JsonNode.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T inTransaction(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException | RuntimeException e) {
      throw new TelemetryStoreException(what + " failed: " + e.getMessage(), e);
    }
  }
}

package dev.iii4j.state.jdbc;

import dev.iii4j.ops.JsonText;
import dev.iii4j.service.GroupCommit;
import dev.iii4j.service.JdbcTransactions;
import dev.iii4j.service.outbox.DeliveryOutcome;
import dev.iii4j.service.outbox.EventTarget;
import dev.iii4j.service.outbox.EventTrace;
import dev.iii4j.service.outbox.PendingEvent;
import dev.iii4j.state.StateChange;
import dev.iii4j.state.StateEvent;
import dev.iii4j.state.StateEventType;
import dev.iii4j.state.StateService;
import dev.iii4j.state.StateStore;
import dev.iii4j.state.StateStoreException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * {@link StateStore} on PostgreSQL: one {@code state_entry} row per (scope, key) with a {@code
 * jsonb} value and an identity {@code seq} for insertion order, and the {@code state_event} outbox
 * written in the same transaction as the change, only when the change has trigger targets.
 *
 * <p>Reads and writes use plain JDBC on the pool's connections, prepared statements (the driver
 * prepares them on the server after a few uses) and autocommit where one statement is the whole
 * change:
 *
 * <ul>
 *   <li>{@link #get}: one {@code SELECT}, no transaction.
 *   <li>{@link #put}: one {@code UPDATE ... FROM (SELECT ... FOR UPDATE)} that returns the old
 *       value of the row it locked; when there is no row, one {@code INSERT ... ON CONFLICT DO
 *       NOTHING}; when that meets a row created meanwhile, the update again. The outbox row, when
 *       there is one, is a data-modifying CTE of the same statement. Puts go through a {@link
 *       GroupCommit}: the puts of other keys that arrive while one is being written are written
 *       together in one statement ({@link #PUT_BATCH}, arrays of the puts' fields), and when it
 *       fails, one after another, so one put's failure is its caller's alone.
 *   <li>{@link #write}: a transaction that locks the row with {@code SELECT ... FOR UPDATE}, runs
 *       {@code compute}, writes, and commits; when there is no row the insert's {@code ON CONFLICT
 *       DO NOTHING} detects a concurrent creator and the whole write runs again.
 *   <li>{@link #delete}: one {@code DELETE ... RETURNING}. A delete of an absent key that must
 *       record an event first holds the key with an uncommitted placeholder row (invisible to
 *       readers; concurrent creators wait on it), so its event id is also taken under the key's
 *       lock.
 * </ul>
 *
 * <p>Every writer of a key takes its outbox id while it holds the key (the row lock, or the
 * uncommitted row it inserted), so outbox ids of one key follow commit order.
 */
@Singleton
@Requires(env = StateService.ENVIRONMENT)
public class JdbcStateStore implements StateStore {
  private static final int MAX_ATTEMPTS = 100;

  /** The most puts committed together (callers are bounded anyway by the service's threads). */
  private static final int MAX_BATCH = 32;

  private static final String GET =
      "SELECT CAST(value AS text) FROM state_entry WHERE scope = ? AND key = ?";

  private static final String LIST =
      "SELECT CAST(value AS text) FROM state_entry WHERE scope = ? ORDER BY seq";

  private static final String SCOPES =
      "SELECT scope FROM (SELECT DISTINCT scope FROM state_entry) s ORDER BY scope COLLATE \"C\"";

  private static final String LOCK =
      "SELECT CAST(value AS text) FROM state_entry WHERE scope = ? AND key = ? FOR UPDATE";

  /** Replaces an existing row and returns its old value; params: value, scope, key. */
  private static final String REPLACE_RETURNING_OLD =
      "UPDATE state_entry e SET value = CAST(? AS jsonb), updated_at = now()"
          + " FROM (SELECT seq, value FROM state_entry WHERE scope = ? AND key = ? FOR UPDATE) old"
          + " WHERE e.seq = old.seq RETURNING CAST(old.value AS text)";

  /** The same, with the outbox row; params: value, scope, key, then {@link Event#bind}'s. */
  private static final String REPLACE_RETURNING_OLD_WITH_EVENT =
      "WITH up AS (UPDATE state_entry e SET value = CAST(? AS jsonb), updated_at = now()"
          + " FROM (SELECT seq, value FROM state_entry WHERE scope = ? AND key = ? FOR UPDATE) old"
          + " WHERE e.seq = old.seq RETURNING e.scope, e.key, old.value AS old_value, e.value),"
          + " ev AS (INSERT INTO state_event (scope, key, event_type, old_value, new_value,"
          + " targets, pending, traceparent, baggage) SELECT scope, key, 'state:updated',"
          + " old_value, value, CAST(? AS jsonb), CAST(? AS jsonb), ?, ? FROM up)"
          + " SELECT CAST(old_value AS text) FROM up";

  /**
   * Puts of distinct keys together, in one statement: each replaces its row (locked in key order,
   * returning the old value) or, when there is none, creates it ({@code ON CONFLICT DO NOTHING}: a
   * key created meanwhile gives no row, and that put runs alone), with the outbox rows of the puts
   * that have targets. Params: arrays of scopes, keys, values, targets (null: no event),
   * traceparents, baggages. Answers (1-based index, old value or null) per applied put.
   */
  private static final String PUT_BATCH =
      "WITH input AS (SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]),"
          + " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))"
          + " WITH ORDINALITY AS i(scope, key, value, targets, traceparent, baggage, ord)),"
          + " up AS (UPDATE state_entry e SET value = CAST(o.value AS jsonb), updated_at = now()"
          + " FROM (SELECT s.seq, s.value AS old_value, i.ord, i.value FROM state_entry s"
          + " JOIN input i ON s.scope = i.scope AND s.key = i.key"
          + " ORDER BY s.scope, s.key FOR UPDATE OF s) o"
          + " WHERE e.seq = o.seq RETURNING o.ord, e.scope, e.key, o.old_value, e.value),"
          + " ins AS (INSERT INTO state_entry (scope, key, value)"
          + " SELECT i.scope, i.key, CAST(i.value AS jsonb) FROM input i"
          + " WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.ord = i.ord) ORDER BY i.scope, i.key"
          + " ON CONFLICT (scope, key) DO NOTHING RETURNING scope, key, value),"
          + " done AS (SELECT ord, scope, key, old_value, value FROM up UNION ALL"
          + " SELECT i.ord, ins.scope, ins.key, NULL, ins.value FROM ins"
          + " JOIN input i ON i.scope = ins.scope AND i.key = ins.key),"
          + " ev AS (INSERT INTO state_event (scope, key, event_type, old_value, new_value,"
          + " targets, pending, traceparent, baggage) SELECT d.scope, d.key,"
          + " CASE WHEN d.old_value IS NULL THEN 'state:created' ELSE 'state:updated' END,"
          + " d.old_value, d.value, CAST(i.targets AS jsonb), CAST(i.targets AS jsonb),"
          + " i.traceparent, i.baggage FROM done d JOIN input i ON i.ord = d.ord"
          + " WHERE i.targets IS NOT NULL ORDER BY d.scope, d.key)"
          + " SELECT ord, CAST(old_value AS text) FROM done";

  /** Replaces the row the caller has locked; params: value, scope, key. */
  private static final String REPLACE =
      "UPDATE state_entry SET value = CAST(? AS jsonb), updated_at = now()"
          + " WHERE scope = ? AND key = ?";

  /** The same, with the outbox row; params: value, scope, key, old value, {@link Event#bind}'s. */
  private static final String REPLACE_WITH_EVENT =
      "WITH up AS (UPDATE state_entry SET value = CAST(? AS jsonb), updated_at = now()"
          + " WHERE scope = ? AND key = ? RETURNING scope, key, value)"
          + " INSERT INTO state_event (scope, key, event_type, old_value, new_value, targets,"
          + " pending, traceparent, baggage) SELECT scope, key, 'state:updated',"
          + " CAST(? AS jsonb), value, CAST(? AS jsonb), CAST(? AS jsonb), ?, ? FROM up";

  /** Creates a row unless one exists (then waits for its creator and does nothing). */
  private static final String CREATE =
      "INSERT INTO state_entry (scope, key, value) VALUES (?, ?, CAST(? AS jsonb))"
          + " ON CONFLICT (scope, key) DO NOTHING";

  /** The same, with the outbox row; params: scope, key, value, then {@link Event#bind}'s. */
  private static final String CREATE_WITH_EVENT =
      "WITH ins AS (INSERT INTO state_entry (scope, key, value) VALUES (?, ?, CAST(? AS jsonb))"
          + " ON CONFLICT (scope, key) DO NOTHING RETURNING scope, key, value)"
          + " INSERT INTO state_event (scope, key, event_type, old_value, new_value, targets,"
          + " pending, traceparent, baggage) SELECT scope, key, 'state:created', NULL, value,"
          + " CAST(? AS jsonb), CAST(? AS jsonb), ?, ? FROM ins";

  private static final String DELETE =
      "DELETE FROM state_entry WHERE scope = ? AND key = ? RETURNING CAST(value AS text)";

  /** Deletes a row with its outbox row; params: scope, key, then {@link Event#bind}'s. */
  private static final String DELETE_WITH_EVENT =
      "WITH del AS (DELETE FROM state_entry WHERE scope = ? AND key = ?"
          + " RETURNING scope, key, value),"
          + " ev AS (INSERT INTO state_event (scope, key, event_type, old_value, new_value,"
          + " targets, pending, traceparent, baggage) SELECT scope, key, 'state:deleted', value,"
          + " NULL, CAST(? AS jsonb), CAST(? AS jsonb), ?, ? FROM del)"
          + " SELECT CAST(value AS text) FROM del";

  /** Holds an absent key with an uncommitted row; params: scope, key. */
  private static final String HOLD_ABSENT =
      "INSERT INTO state_entry (scope, key, value) VALUES (?, ?, CAST('null' AS jsonb))"
          + " ON CONFLICT (scope, key) DO NOTHING RETURNING seq";

  private static final String RELEASE_HELD = "DELETE FROM state_entry WHERE seq = ?";

  /** The event of a delete of an absent key; params: scope, key, then {@link Event#bind}'s. */
  private static final String APPEND_DELETED =
      "INSERT INTO state_event (scope, key, event_type, old_value, new_value, targets, pending,"
          + " traceparent, baggage) VALUES (?, ?, 'state:deleted', NULL, NULL, CAST(? AS jsonb),"
          + " CAST(? AS jsonb), ?, ?)";

  private final DataSource dataSource;
  private final StateEventRepository events;
  private final TransactionOperations<Connection> transactions;
  private final GroupCommit<Put, StateChange> puts =
      new GroupCommit<>(MAX_BATCH, Put::id, this::putAlone, this::putTogether);

  JdbcStateStore(
      DataSource dataSource,
      StateEventRepository events,
      TransactionOperations<Connection> transactions) {
    // The pool itself: these statements manage their own connections and transactions.
    this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    this.events = events;
    this.transactions = transactions;
  }

  @Override
  public Optional<JsonNode> get(String scope, String key) {
    return jdbc(
        "read",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(GET)) {
            ps.setString(1, scope);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(JsonText.parse(rs.getString(1))) : Optional.empty();
            }
          }
        });
  }

  @Override
  public StateChange put(
      String scope,
      String key,
      JsonNode value,
      List<EventTarget> targets,
      @Nullable EventTrace trace) {
    return puts.submit(new Put(scope, key, JsonText.write(value), Event.of(targets, trace)));
  }

  /** A {@link #put} waiting for its group commit. */
  private record Put(String scope, String key, String text, @Nullable Event event) {
    List<String> id() {
      return List.of(scope, key);
    }

    StateChange created() {
      return new StateChange(Optional.empty(), JsonText.parse(text));
    }

    StateChange replaced(String old) {
      return new StateChange(Optional.of(JsonText.parse(old)), JsonText.parse(text));
    }
  }

  /** One put, in autocommit: the replace, or the create when there is no row. */
  private StateChange putAlone(Put put) {
    return jdbc(
        "write",
        connection -> {
          for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String old = replaceReturningOld(connection, put.scope, put.key, put.text, put.event);
            if (old != null) {
              return put.replaced(old);
            }
            if (create(connection, put.scope, put.key, put.text, put.event)) {
              return put.created();
            }
            // Created by another writer since the update found no row: update it.
          }
          throw new StateStoreException("write failed: the key kept changing", null);
        });
  }

  /**
   * Puts of distinct keys in one autocommit statement ({@link #PUT_BATCH}); null for a put whose
   * create met a row made meanwhile (it then runs alone).
   */
  private List<StateChange> putTogether(List<Put> puts) {
    int n = puts.size();
    String[] scopes = new String[n];
    String[] keys = new String[n];
    String[] values = new String[n];
    String[] targets = new String[n];
    String[] traceparents = new String[n];
    String[] baggages = new String[n];
    for (int i = 0; i < n; i++) {
      Put put = puts.get(i);
      scopes[i] = put.scope;
      keys[i] = put.key;
      values[i] = put.text;
      if (put.event != null) {
        targets[i] = put.event.targets();
        traceparents[i] = put.event.trace() == null ? null : put.event.trace().traceparent();
        baggages[i] = put.event.trace() == null ? null : put.event.trace().baggage();
      }
    }
    return jdbc(
        "write",
        connection -> {
          List<StateChange> changes = new ArrayList<>(Collections.nCopies(n, (StateChange) null));
          try (PreparedStatement ps = connection.prepareStatement(PUT_BATCH)) {
            ps.setArray(1, connection.createArrayOf("text", scopes));
            ps.setArray(2, connection.createArrayOf("text", keys));
            ps.setArray(3, connection.createArrayOf("text", values));
            ps.setArray(4, connection.createArrayOf("text", targets));
            ps.setArray(5, connection.createArrayOf("text", traceparents));
            ps.setArray(6, connection.createArrayOf("text", baggages));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                int i = rs.getInt(1) - 1;
                String old = rs.getString(2);
                Put put = puts.get(i);
                changes.set(i, old == null ? put.created() : put.replaced(old));
              }
            }
          }
          return changes;
        });
  }

  @Override
  public StateChange write(
      String scope,
      String key,
      Function<Optional<JsonNode>, JsonNode> compute,
      List<EventTarget> targets,
      @Nullable EventTrace trace) {
    Event event = Event.of(targets, trace);
    return jdbc(
        "write",
        connection ->
            JdbcTransactions.run(
                connection,
                () -> {
                  String old = lock(connection, scope, key);
                  Optional<JsonNode> previous =
                      old == null ? Optional.empty() : Optional.of(JsonText.parse(old));
                  String text = JsonText.write(compute.apply(previous));
                  if (old != null) {
                    replace(connection, scope, key, text, old, event);
                  } else if (!create(connection, scope, key, text, event)) {
                    return null; // created meanwhile: run again, with its value
                  }
                  return new StateChange(previous, JsonText.parse(text));
                }));
  }

  @Override
  public StateChange delete(
      String scope, String key, List<EventTarget> targets, @Nullable EventTrace trace) {
    Event event = Event.of(targets, trace);
    return jdbc(
        "delete",
        connection -> {
          String old;
          try (PreparedStatement ps =
              connection.prepareStatement(event == null ? DELETE : DELETE_WITH_EVENT)) {
            ps.setString(1, scope);
            ps.setString(2, key);
            if (event != null) {
              event.bind(ps, 3);
            }
            old = firstString(ps);
          }
          if (old != null) {
            return new StateChange(Optional.of(JsonText.parse(old)), null);
          }
          if (event != null) {
            JdbcTransactions.run(connection, () -> deleteAbsent(connection, scope, key, event));
          }
          return new StateChange(Optional.empty(), null);
        });
  }

  /**
   * Records the event of a delete of an absent key under the key's lock (an uncommitted row holds
   * it). When the key was created meanwhile, deletes that row instead; null when it is gone again
   * (the caller's transaction then runs again).
   */
  private static @Nullable StateChange deleteAbsent(
      Connection connection, String scope, String key, Event event) throws SQLException {
    long seq;
    try (PreparedStatement ps = connection.prepareStatement(HOLD_ABSENT)) {
      ps.setString(1, scope);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          // Created by another writer: delete that row, in this transaction.
          try (PreparedStatement del = connection.prepareStatement(DELETE_WITH_EVENT)) {
            del.setString(1, scope);
            del.setString(2, key);
            event.bind(del, 3);
            String old = firstString(del);
            return old == null ? null : new StateChange(Optional.of(JsonText.parse(old)), null);
          }
        }
        seq = rs.getLong(1);
      }
    }
    try (PreparedStatement ps = connection.prepareStatement(RELEASE_HELD)) {
      ps.setLong(1, seq);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = connection.prepareStatement(APPEND_DELETED)) {
      ps.setString(1, scope);
      ps.setString(2, key);
      event.bind(ps, 3);
      ps.executeUpdate();
    }
    return new StateChange(Optional.empty(), null);
  }

  private static @Nullable String replaceReturningOld(
      Connection connection, String scope, String key, String text, @Nullable Event event)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            event == null ? REPLACE_RETURNING_OLD : REPLACE_RETURNING_OLD_WITH_EVENT)) {
      ps.setString(1, text);
      ps.setString(2, scope);
      ps.setString(3, key);
      if (event != null) {
        event.bind(ps, 4);
      }
      return firstString(ps);
    }
  }

  private static @Nullable String lock(Connection connection, String scope, String key)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(LOCK)) {
      ps.setString(1, scope);
      ps.setString(2, key);
      return firstString(ps);
    }
  }

  private static void replace(
      Connection connection,
      String scope,
      String key,
      String text,
      String old,
      @Nullable Event event)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(event == null ? REPLACE : REPLACE_WITH_EVENT)) {
      ps.setString(1, text);
      ps.setString(2, scope);
      ps.setString(3, key);
      if (event != null) {
        ps.setString(4, old);
        event.bind(ps, 5);
      }
      ps.executeUpdate();
    }
  }

  /** Inserts the row (and its event); false when a row exists (its creator has committed). */
  private static boolean create(
      Connection connection, String scope, String key, String text, @Nullable Event event)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(event == null ? CREATE : CREATE_WITH_EVENT)) {
      ps.setString(1, scope);
      ps.setString(2, key);
      ps.setString(3, text);
      if (event != null) {
        event.bind(ps, 4);
      }
      return ps.executeUpdate() == 1;
    }
  }

  private static @Nullable String firstString(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private interface ConnectionWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Runs {@code work} on a pooled connection; failures become {@link StateStoreException}. */
  private <T> T jdbc(String what, ConnectionWork<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.run(connection);
    } catch (StateStoreException e) {
      throw e;
    } catch (SQLException | RuntimeException e) {
      throw new StateStoreException(what + " failed: " + rootMessage(e), e);
    }
  }

  @Override
  public List<JsonNode> list(String scope) {
    return jdbc(
        "list",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(LIST)) {
            ps.setString(1, scope);
            List<JsonNode> values = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                values.add(JsonText.parse(rs.getString(1)));
              }
            }
            return values;
          }
        });
  }

  @Override
  public List<String> scopes() {
    return jdbc(
        "list scopes",
        connection -> {
          try (PreparedStatement ps = connection.prepareStatement(SCOPES);
              ResultSet rs = ps.executeQuery()) {
            List<String> scopes = new ArrayList<>();
            while (rs.next()) {
              scopes.add(rs.getString(1));
            }
            return scopes;
          }
        });
  }

  @Override
  public int dispatch(
      int limit, Function<List<PendingEvent<StateEvent>>, List<DeliveryOutcome>> delivery) {
    return guarded(
        "dispatch",
        () ->
            transactions.executeWrite(
                status -> {
                  List<StateEventRow> rows = events.claim(limit);
                  if (rows.isEmpty()) {
                    return 0;
                  }
                  List<PendingEvent<StateEvent>> claimed = new ArrayList<>(rows.size());
                  for (StateEventRow row : rows) {
                    claimed.add(toPending(row));
                  }
                  for (DeliveryOutcome outcome : delivery.apply(claimed)) {
                    if (outcome.remaining().isEmpty()) {
                      events.markDelivered(outcome.eventId());
                    } else {
                      Duration delay =
                          outcome.retryAfter() == null ? Duration.ZERO : outcome.retryAfter();
                      events.postpone(
                          outcome.eventId(),
                          targetsJson(outcome.remaining()),
                          delay.toMillis() + " milliseconds",
                          outcome.error());
                    }
                  }
                  return rows.size();
                }));
  }

  @Override
  public int prune(Duration retention) {
    return guarded(
        "prune",
        () ->
            transactions.executeWrite(
                status -> events.prune(retention.toMillis() + " milliseconds")));
  }

  @Override
  public long undelivered() {
    return guarded("count", events::countUndelivered);
  }

  private static PendingEvent<StateEvent> toPending(StateEventRow row) {
    StateEvent event =
        new StateEvent(
            StateEventType.fromWire(row.eventType()),
            row.scope(),
            row.key(),
            row.oldValue() == null ? null : JsonText.parse(row.oldValue()),
            row.newValue() == null ? null : JsonText.parse(row.newValue()));
    return new PendingEvent<>(
        row.id(),
        event,
        EventTarget.fromJson(JsonText.parse(row.pending())),
        row.attempts(),
        row.createdAt(),
        EventTrace.of(row.traceparent(), row.baggage()));
  }

  /**
   * What an outbox row records beside the change: the targets (stored twice, as all targets and as
   * the pending ones) and the writer's trace context.
   */
  private record Event(String targets, @Nullable EventTrace trace) {
    /** The event of a write with {@code targets}; null when there are none (no outbox row). */
    static @Nullable Event of(List<EventTarget> targets, @Nullable EventTrace trace) {
      return targets.isEmpty() ? null : new Event(targetsJson(targets), trace);
    }

    /** Binds targets, pending, traceparent and baggage from parameter {@code first} on. */
    void bind(PreparedStatement ps, int first) throws SQLException {
      ps.setString(first, targets);
      ps.setString(first + 1, targets);
      ps.setString(first + 2, trace == null ? null : trace.traceparent());
      ps.setString(first + 3, trace == null ? null : trace.baggage());
    }
  }

  private static String targetsJson(List<EventTarget> targets) {
    return JsonText.write(EventTarget.toJson(targets));
  }

  /** Translates everything the driver, pool or Micronaut Data throws into the port's exception. */
  private static <T> T guarded(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (StateStoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StateStoreException(what + " failed: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}

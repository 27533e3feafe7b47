package dev.iii4j.state.jdbc;

import dev.iii4j.ops.JsonText;
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
 *       there is one, is a data-modifying CTE of the same statement.
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
    String text = JsonText.write(value);
    Event event = Event.of(targets, trace);
    return jdbc(
        "write",
        connection -> {
          for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String old = replaceReturningOld(connection, scope, key, text, event);
            if (old != null) {
              return new StateChange(Optional.of(JsonText.parse(old)), JsonText.parse(text));
            }
            if (create(connection, scope, key, text, event)) {
              return new StateChange(Optional.empty(), JsonText.parse(text));
            }
            // Created by another writer since the update found no row: update it.
          }
          throw new StateStoreException("write failed: the key kept changing", null);
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
            inTransaction(
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
            inTransaction(connection, () -> deleteAbsent(connection, scope, key, event));
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

  /** A unit of work on one connection; null asks {@link #inTransaction} to run it again. */
  private interface Work<T> {
    @Nullable
    T run() throws SQLException;
  }

  /** Runs {@code work} in a transaction until it answers non-null, and commits. */
  private static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
    connection.setAutoCommit(false);
    try {
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        T result;
        try {
          result = work.run();
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        }
        if (result != null) {
          connection.commit();
          return result;
        }
        connection.rollback();
      }
      throw new StateStoreException("write failed: the key kept changing", null);
    } finally {
      connection.setAutoCommit(true);
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

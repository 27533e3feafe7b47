package dev.iii4j.stream.jdbc;

import dev.iii4j.ops.JsonText;
import dev.iii4j.service.BlockingCalls;
import dev.iii4j.service.outbox.DeliveryOutcome;
import dev.iii4j.service.outbox.EventTarget;
import dev.iii4j.service.outbox.EventTrace;
import dev.iii4j.service.outbox.PendingEvent;
import dev.iii4j.stream.ItemChange;
import dev.iii4j.stream.StreamMessage;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.StreamStore;
import dev.iii4j.stream.StreamStoreException;
import dev.iii4j.stream.StreamSummary;
import dev.iii4j.stream.config.StreamProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * {@link StreamStore} on PostgreSQL: one {@code iii_stream.item} row per item with a {@code jsonb}
 * value and an identity {@code seq} for insertion order, the {@code iii_stream.event} outbox, and
 * {@code NOTIFY iii_stream} for the replicas' change feeds ({@link PgChangeFeed}). Every operation
 * runs on a platform thread of {@link BlockingCalls} (callers may be virtual threads); reads use
 * autocommit, without a transaction.
 *
 * <p>Writers of one item are serialised by the row lock of {@code SELECT ... FOR UPDATE} (or of
 * {@code DELETE ... RETURNING}); two writers that both find no row both try {@code INSERT ... ON
 * CONFLICT DO NOTHING}, the second waits for the first to commit, inserts nothing, and runs again
 * with the row locked. The notification is sent inside the writing transaction, and PostgreSQL
 * delivers notifications at commit, in commit order: so every replica sees the changes of one item
 * in the order they were made. A message whose JSON is larger than {@code notify-inline-max-bytes}
 * is written to the outbox and the notification carries {@code #<event id>} instead.
 *
 * <p>Round trips: {@link #put} without an outbox row is one autocommit statement (two for a new
 * item) that locks, replaces and notifies; {@link #publish} without one is a lone {@code pg_notify}
 * in autocommit. Whatever needs an outbox row, and {@link #write}, run in a transaction.
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
public class JdbcStreamStore implements StreamStore {
  /** The notification channel every replica listens on. */
  static final String CHANNEL = "iii_stream";

  private static final int MAX_ATTEMPTS = 100;

  /**
   * Replaces an existing item, notifies, and returns its old value, in one autocommit statement;
   * params: value, stream, group, item, channel, message.
   */
  private static final String REPLACE_AND_NOTIFY =
      "WITH up AS (UPDATE iii_stream.item e SET value = CAST(? AS jsonb), updated_at = now()"
          + " FROM (SELECT seq, value FROM iii_stream.item WHERE stream_name = ? AND group_id = ?"
          + " AND item_id = ? FOR UPDATE) old WHERE e.seq = old.seq"
          + " RETURNING old.value AS old_value)"
          + " SELECT CAST(old_value AS text), pg_notify(?, ?) FROM up";

  /**
   * Creates an item unless one exists (then waits for its creator and does nothing) and notifies
   * when it created it; params: value, stream, group, item, channel, message.
   */
  private static final String CREATE_AND_NOTIFY =
      "WITH ins AS (INSERT INTO iii_stream.item (value, stream_name, group_id, item_id)"
          + " VALUES (CAST(? AS jsonb), ?, ?, ?) ON CONFLICT DO NOTHING RETURNING seq)"
          + " SELECT pg_notify(?, ?) FROM ins";

  private final TransactionOperations<Connection> transactions;
  private final DataSource dataSource;
  private final BlockingCalls calls;
  private final int inlineMaxBytes;

  JdbcStreamStore(
      TransactionOperations<Connection> transactions,
      DataSource dataSource,
      BlockingCalls calls,
      StreamProperties properties) {
    this.transactions = transactions;
    this.calls = calls;
    // The pool itself: reads take a connection of their own, outside any transaction.
    this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    this.inlineMaxBytes = properties.notifyInlineMaxBytes();
  }

  @Override
  public Optional<JsonNode> get(String streamName, String groupId, String itemId) {
    return read(
        "read",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT CAST(value AS text) FROM iii_stream.item"
                      + " WHERE stream_name = ? AND group_id = ? AND item_id = ?")) {
            bind(s, streamName, groupId, itemId);
            try (ResultSet r = s.executeQuery()) {
              return r.next() ? Optional.of(JsonText.parse(r.getString(1))) : Optional.empty();
            }
          }
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Without targets (no outbox row) and with a message small enough for the notification, one
   * autocommit statement replaces the item and notifies, returning the old value; when there is no
   * item, one more creates it (and when that meets an item created meanwhile, the replace runs
   * again). Otherwise, {@link #write}.
   */
  @Override
  public ItemChange put(
      String streamName,
      String groupId,
      String itemId,
      JsonNode value,
      List<EventTarget> targets,
      @Nullable EventTrace trace) {
    String text = JsonText.write(value);
    // Read back through JsonText so the answer has the numbers the store keeps.
    JsonNode current = JsonText.parse(text);
    long now = System.currentTimeMillis();
    String updated =
        StreamMessage.change(streamName, groupId, itemId, Optional.of(current), current, now)
            .toText();
    if (!targets.isEmpty() || !inline(updated)) {
      return write(streamName, groupId, itemId, old -> current, targets, trace);
    }
    ItemChange change =
        autocommit(
            "write",
            c -> {
              for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                ItemChange replaced =
                    changeAndNotify(
                        c,
                        REPLACE_AND_NOTIFY,
                        text,
                        streamName,
                        groupId,
                        itemId,
                        updated,
                        r -> new ItemChange(Optional.of(JsonText.parse(r.getString(1))), current));
                if (replaced != null) {
                  return replaced;
                }
                String created =
                    StreamMessage.change(
                            streamName, groupId, itemId, Optional.empty(), current, now)
                        .toText();
                if (!inline(created)) {
                  return null;
                }
                ItemChange inserted =
                    changeAndNotify(
                        c,
                        CREATE_AND_NOTIFY,
                        text,
                        streamName,
                        groupId,
                        itemId,
                        created,
                        r -> new ItemChange(Optional.empty(), current));
                if (inserted != null) {
                  return inserted;
                }
                // Created by another writer since the replace found no item: replace it.
              }
              throw new StreamStoreException("write failed: the item kept changing", null);
            });
    return change != null
        ? change
        : write(streamName, groupId, itemId, old -> current, targets, trace);
  }

  /**
   * Runs {@link #REPLACE_AND_NOTIFY} or {@link #CREATE_AND_NOTIFY}, which take the same parameters
   * (value, stream, group, item, channel, message): {@code row} of the row it answers, or null when
   * it changed nothing.
   */
  private static @Nullable ItemChange changeAndNotify(
      Connection c,
      String sql,
      String value,
      String streamName,
      String groupId,
      String itemId,
      String message,
      Row<ItemChange> row)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, value);
      s.setString(2, streamName);
      s.setString(3, groupId);
      s.setString(4, itemId);
      s.setString(5, CHANNEL);
      s.setString(6, message);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? row.read(r) : null;
      }
    }
  }

  /** What a statement's answer row means. */
  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet row) throws SQLException;
  }

  private boolean inline(String message) {
    return message.length() <= inlineMaxBytes / 3
        || message.getBytes(StandardCharsets.UTF_8).length <= inlineMaxBytes;
  }

  @Override
  public ItemChange write(
      String streamName,
      String groupId,
      String itemId,
      Function<Optional<JsonNode>, JsonNode> compute,
      List<EventTarget> targets,
      @Nullable EventTrace trace) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        return write(
            "write",
            c -> {
              Optional<JsonNode> previous = lockAndRead(c, streamName, groupId, itemId);
              String text = JsonText.write(compute.apply(previous));
              String sql =
                  previous.isPresent()
                      ? "UPDATE iii_stream.item SET value = CAST(? AS jsonb), updated_at = now()"
                          + " WHERE stream_name = ? AND group_id = ? AND item_id = ?"
                      : "INSERT INTO iii_stream.item (value, stream_name, group_id, item_id)"
                          + " VALUES (CAST(? AS jsonb), ?, ?, ?) ON CONFLICT DO NOTHING";
              try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, text);
                s.setString(2, streamName);
                s.setString(3, groupId);
                s.setString(4, itemId);
                if (s.executeUpdate() == 0) {
                  throw new CreatedMeanwhile(); // rolls back; the write runs again
                }
              }
              // Read back through JsonText so the answer has the numbers the store keeps.
              JsonNode current = JsonText.parse(text);
              publish(
                  c,
                  StreamMessage.change(
                      streamName, groupId, itemId, previous, current, System.currentTimeMillis()),
                  targets,
                  trace);
              return new ItemChange(previous, current);
            });
      } catch (CreatedMeanwhile e) {
        // Another writer created the item after this one found none: lock it and run again.
      }
    }
    throw new StreamStoreException("write failed: the item kept changing", null);
  }

  @Override
  public Optional<JsonNode> delete(
      String streamName,
      String groupId,
      String itemId,
      List<EventTarget> targets,
      @Nullable EventTrace trace) {
    return write(
        "delete",
        c -> {
          // DELETE ... RETURNING locks and reads in one statement; nothing is published for a
          // missing item, so a missing one needs no lock.
          Optional<JsonNode> previous;
          try (PreparedStatement s =
              c.prepareStatement(
                  "DELETE FROM iii_stream.item"
                      + " WHERE stream_name = ? AND group_id = ? AND item_id = ?"
                      + " RETURNING CAST(value AS text)")) {
            bind(s, streamName, groupId, itemId);
            try (ResultSet r = s.executeQuery()) {
              previous = r.next() ? Optional.of(JsonText.parse(r.getString(1))) : Optional.empty();
            }
          }
          if (previous.isPresent()) {
            publish(
                c,
                StreamMessage.deleted(
                    streamName, groupId, itemId, previous.get(), System.currentTimeMillis()),
                targets,
                trace);
          }
          return previous;
        });
  }

  /** Thrown inside a write's transaction to roll it back and run the write again. */
  private static final class CreatedMeanwhile extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CreatedMeanwhile() {
      super(null, null, false, false);
    }
  }

  @Override
  public void publish(
      StreamMessage message, List<EventTarget> targets, @Nullable EventTrace trace) {
    if (targets.isEmpty()) {
      String text = message.toText();
      if (inline(text)) {
        // No outbox row: the notification alone, in autocommit.
        autocommit(
            "publish",
            c -> {
              notify(c, text);
              return null;
            });
        return;
      }
    }
    write(
        "publish",
        c -> {
          publish(c, message, targets, trace);
          return null;
        });
  }

  @Override
  public List<JsonNode> list(String streamName, String groupId) {
    return read(
        "list",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT CAST(value AS text) FROM iii_stream.item"
                      + " WHERE stream_name = ? AND group_id = ? ORDER BY seq")) {
            s.setString(1, streamName);
            s.setString(2, groupId);
            List<JsonNode> values = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                values.add(JsonText.parse(r.getString(1)));
              }
            }
            return values;
          }
        });
  }

  @Override
  public List<String> groups(String streamName) {
    return read(
        "list groups",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT DISTINCT group_id COLLATE \"C\" AS g FROM iii_stream.item"
                      + " WHERE stream_name = ? ORDER BY g")) {
            s.setString(1, streamName);
            List<String> groups = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                groups.add(r.getString(1));
              }
            }
            return groups;
          }
        });
  }

  @Override
  public List<StreamSummary> streams() {
    return read(
        "list streams",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT DISTINCT stream_name COLLATE \"C\" AS s, group_id COLLATE \"C\" AS g"
                      + " FROM iii_stream.item ORDER BY s, g")) {
            Map<String, List<String>> byStream = new LinkedHashMap<>();
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                byStream
                    .computeIfAbsent(r.getString(1), k -> new ArrayList<>())
                    .add(r.getString(2));
              }
            }
            List<StreamSummary> streams = new ArrayList<>(byStream.size());
            byStream.forEach((name, groups) -> streams.add(new StreamSummary(name, groups)));
            return streams;
          }
        });
  }

  @Override
  public int dispatch(
      int limit, Function<List<PendingEvent<StreamMessage>>, List<DeliveryOutcome>> delivery) {
    return write(
        "dispatch",
        c -> {
          List<PendingEvent<StreamMessage>> claimed = claim(c, limit);
          if (claimed.isEmpty()) {
            return 0;
          }
          for (DeliveryOutcome outcome : delivery.apply(claimed)) {
            if (outcome.remaining().isEmpty()) {
              try (PreparedStatement s =
                  c.prepareStatement(
                      "UPDATE iii_stream.event SET delivered_at = now(),"
                          + " pending = CAST('[]' AS jsonb), last_error = NULL WHERE id = ?")) {
                s.setLong(1, outcome.eventId());
                s.executeUpdate();
              }
            } else {
              Duration delay = outcome.retryAfter() == null ? Duration.ZERO : outcome.retryAfter();
              try (PreparedStatement s =
                  c.prepareStatement(
                      "UPDATE iii_stream.event SET pending = CAST(? AS jsonb),"
                          + " attempts = attempts + 1,"
                          + " next_attempt_at = now() + CAST(? AS interval), last_error = ?"
                          + " WHERE id = ?")) {
                s.setString(1, targetsJson(outcome.remaining()));
                s.setString(2, delay.toMillis() + " milliseconds");
                s.setString(3, outcome.error());
                s.setLong(4, outcome.eventId());
                s.executeUpdate();
              }
            }
          }
          return claimed.size();
        });
  }

  @Override
  public int prune(Duration retention) {
    return write(
        "prune",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "DELETE FROM iii_stream.event WHERE delivered_at IS NOT NULL"
                      + " AND delivered_at < now() - CAST(? AS interval)")) {
            s.setString(1, retention.toMillis() + " milliseconds");
            return s.executeUpdate();
          }
        });
  }

  @Override
  public long undelivered() {
    return read(
        "count",
        c -> {
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT count(*) FROM iii_stream.event WHERE delivered_at IS NULL");
              ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
          }
        });
  }

  /** The message of an outbox row, for notifications that carry {@code #<id>}. */
  Optional<StreamMessage> message(long eventId) {
    return read(
        "read message",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT CAST(message AS text) FROM iii_stream.event WHERE id = ?")) {
            s.setLong(1, eventId);
            try (ResultSet r = s.executeQuery()) {
              return r.next()
                  ? Optional.of(StreamMessage.fromJson(JsonText.parse(r.getString(1))))
                  : Optional.empty();
            }
          }
        });
  }

  /**
   * Locks the item's row ({@code SELECT ... FOR UPDATE}) and reads it; empty when there is none
   * (then nothing is locked, and the caller's {@code INSERT ... ON CONFLICT DO NOTHING} finds out
   * whether another writer created it meanwhile).
   */
  private static Optional<JsonNode> lockAndRead(
      Connection c, String streamName, String groupId, String itemId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT CAST(value AS text) FROM iii_stream.item"
                + " WHERE stream_name = ? AND group_id = ? AND item_id = ? FOR UPDATE")) {
      bind(s, streamName, groupId, itemId);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(JsonText.parse(r.getString(1))) : Optional.empty();
      }
    }
  }

  /** Records the message for its triggers (if any) and notifies every replica at commit. */
  private void publish(
      Connection c, StreamMessage message, List<EventTarget> targets, @Nullable EventTrace trace)
      throws SQLException {
    String text = message.toText();
    boolean inline = inline(text);
    Long id = null;
    if (!targets.isEmpty() || !inline) {
      String json = targetsJson(targets);
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO iii_stream.event (stream_name, group_id, item_id, event_type, message,"
                  + " targets, pending, delivered_at, traceparent, baggage) VALUES (?, ?, ?, ?,"
                  + " CAST(? AS jsonb), CAST(? AS jsonb), CAST(? AS jsonb),"
                  + " CASE WHEN ? THEN now() END, ?, ?)"
                  + " RETURNING id")) {
        s.setString(1, message.streamName());
        s.setString(2, message.groupId());
        if (message.id() == null) {
          s.setNull(3, Types.VARCHAR);
        } else {
          s.setString(3, message.id());
        }
        s.setString(4, message.eventType());
        s.setString(5, text);
        s.setString(6, json);
        s.setString(7, json);
        s.setBoolean(8, targets.isEmpty());
        s.setString(9, trace == null ? null : trace.traceparent());
        s.setString(10, trace == null ? null : trace.baggage());
        try (ResultSet r = s.executeQuery()) {
          r.next();
          id = r.getLong(1);
        }
      }
    }
    notify(c, inline ? text : "#" + id);
  }

  private static void notify(Connection c, String payload) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      s.setString(1, CHANNEL);
      s.setString(2, payload);
      s.executeQuery().close();
    }
  }

  private static List<PendingEvent<StreamMessage>> claim(Connection c, int limit)
      throws SQLException {
    // Only the oldest undelivered event of each item, and only if no other dispatcher holds it:
    // the events of one item go out one at a time, in commit order, across replicas.
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT e.id, CAST(e.message AS text), CAST(e.pending AS text), e.attempts,"
                + " e.created_at, e.traceparent, e.baggage FROM iii_stream.event e"
                + " WHERE e.delivered_at IS NULL AND e.next_attempt_at <= now()"
                + " AND NOT EXISTS (SELECT 1 FROM iii_stream.event p WHERE p.delivered_at IS NULL"
                + " AND p.stream_name = e.stream_name AND p.group_id = e.group_id"
                + " AND p.item_id IS NOT DISTINCT FROM e.item_id AND p.id < e.id)"
                + " ORDER BY e.id LIMIT ? FOR UPDATE OF e SKIP LOCKED")) {
      s.setInt(1, limit);
      List<PendingEvent<StreamMessage>> claimed = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          claimed.add(
              new PendingEvent<>(
                  r.getLong(1),
                  StreamMessage.fromJson(JsonText.parse(r.getString(2))),
                  targets(r.getString(3)),
                  r.getInt(4),
                  r.getTimestamp(5).toInstant(),
                  EventTrace.of(r.getString(6), r.getString(7))));
        }
      }
      return claimed;
    }
  }

  private static List<EventTarget> targets(String json) {
    return EventTarget.fromJson(JsonText.parse(json));
  }

  private static String targetsJson(List<EventTarget> targets) {
    return JsonText.write(EventTarget.toJson(targets));
  }

  private static void bind(PreparedStatement s, String streamName, String groupId, String itemId)
      throws SQLException {
    s.setString(1, streamName);
    s.setString(2, groupId);
    s.setString(3, itemId);
  }

  /** A unit of work on a connection of the current transaction. */
  @FunctionalInterface
  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** A transaction, on a platform thread of {@link BlockingCalls}. */
  private <T> T write(String what, Work<T> work) {
    return calls.run(
        () ->
            guarded(
                what,
                () -> transactions.executeWrite(status -> run(status.getConnection(), work))));
  }

  /** One or more reads in autocommit: no transaction, each statement sees the latest commits. */
  private <T> T read(String what, Work<T> work) {
    return autocommit(what, work);
  }

  /** Statements in autocommit, each its own transaction, on a connection of the pool. */
  private <T> T autocommit(String what, Work<T> work) {
    return calls.run(
        () ->
            guarded(
                what,
                () -> {
                  try (Connection connection = dataSource.getConnection()) {
                    return run(connection, work);
                  } catch (SQLException e) {
                    throw new StreamStoreException(e.getMessage(), e);
                  }
                }));
  }

  private static <T> T run(Connection connection, Work<T> work) {
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw new StreamStoreException(e.getMessage(), e);
    }
  }

  /** Translates everything the driver, pool or transaction manager throws into the port's. */
  private static <T> T guarded(String what, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (CreatedMeanwhile e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StreamStoreException(what + " failed: " + rootMessage(e), e);
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

package dev.iii4j.stream.jdbc;

import dev.iii4j.ops.JsonText;
import dev.iii4j.service.BlockingCalls;
import dev.iii4j.service.GroupCommit;
import dev.iii4j.service.JdbcTransactions;
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
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
 * item) that locks, replaces and notifies, and puts of other items that arrive meanwhile are
 * written together in one ({@link GroupCommit}); {@link #delete} is one autocommit statement that
 * deletes, records the outbox row when there is one, and notifies; {@link #publish} is one
 * statement in autocommit too. {@link #write} (and a put with an outbox row) is a transaction of
 * three: the lock, one statement that writes, records and notifies, and the commit.
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
public class JdbcStreamStore implements StreamStore {
  /** The notification channel every replica listens on. */
  static final String CHANNEL = "iii_stream";

  private static final int MAX_ATTEMPTS = 100;

  /** The most puts committed together (callers are bounded anyway by the service's threads). */
  private static final int MAX_BATCH = 32;

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

  /**
   * Puts of distinct items together, in one autocommit statement: each replaces its item (locked in
   * key order, returning the old value) or, when there is none, creates it ({@code ON CONFLICT DO
   * NOTHING}: an item created meanwhile gives no row, and that put runs alone), and each applied
   * put notifies with its {@code update} or {@code create} message. Params: arrays of streams,
   * groups, items, values, update messages, create messages (null: too large, the put runs alone),
   * then the channel. Answers (1-based index, old value or null) per applied put.
   */
  private static final String PUT_BATCH =
      "WITH input AS (SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]),"
          + " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))"
          + " WITH ORDINALITY AS i(stream_name, group_id, item_id, value, updated, created, ord)),"
          + " up AS (UPDATE iii_stream.item e SET value = CAST(o.value AS jsonb),"
          + " updated_at = now() FROM (SELECT s.seq, s.value AS old_value, i.ord, i.value"
          + " FROM iii_stream.item s JOIN input i ON s.stream_name = i.stream_name"
          + " AND s.group_id = i.group_id AND s.item_id = i.item_id"
          + " ORDER BY s.stream_name, s.group_id, s.item_id FOR UPDATE OF s) o"
          + " WHERE e.seq = o.seq RETURNING o.ord, o.old_value),"
          + " ins AS (INSERT INTO iii_stream.item (value, stream_name, group_id, item_id)"
          + " SELECT CAST(i.value AS jsonb), i.stream_name, i.group_id, i.item_id FROM input i"
          + " WHERE i.created IS NOT NULL AND NOT EXISTS (SELECT 1 FROM up WHERE up.ord = i.ord)"
          + " ORDER BY i.stream_name, i.group_id, i.item_id ON CONFLICT DO NOTHING"
          + " RETURNING stream_name, group_id, item_id),"
          + " done AS (SELECT up.ord, up.old_value, i.updated AS message FROM up"
          + " JOIN input i ON i.ord = up.ord UNION ALL SELECT i.ord, NULL, i.created FROM ins"
          + " JOIN input i ON i.stream_name = ins.stream_name AND i.group_id = ins.group_id"
          + " AND i.item_id = ins.item_id)"
          + " SELECT ord, CAST(old_value AS text), pg_notify(?, message) FROM done";

  /** Replaces the locked item's value; params: value, stream, group, item. */
  private static final String UPDATE_ITEM =
      "UPDATE iii_stream.item SET value = CAST(? AS jsonb), updated_at = now()"
          + " WHERE stream_name = ? AND group_id = ? AND item_id = ? RETURNING seq";

  /** Creates an item, or nothing when another writer did; params: value, stream, group, item. */
  private static final String CREATE_ITEM =
      "INSERT INTO iii_stream.item (value, stream_name, group_id, item_id)"
          + " VALUES (CAST(? AS jsonb), ?, ?, ?) ON CONFLICT DO NOTHING RETURNING seq";

  /**
   * The prefix of a notification that carries a message the database wrote ({@link
   * #DELETE_AND_PUBLISH}'s), which {@link PgChangeFeed} rewrites as this service writes messages.
   */
  static final String FROM_DATABASE = "!";

  /**
   * Deletes an item and publishes its {@code delete} message, built from the deleted value, in one
   * statement: recorded in the outbox when it has targets or does not fit a notification, and
   * notified inline ({@link #FROM_DATABASE}) or as {@code #<event id>}. Params: stream, group,
   * item; the timestamp; stream, group, item (the message); stream, group, item (the outbox row);
   * targets, pending, "delivered" (no targets), traceparent, baggage; "has targets"; the inline
   * limit; the channel; the inline limit. Answers the deleted value, or no row.
   */
  private static final String DELETE_AND_PUBLISH =
      "WITH del AS (DELETE FROM iii_stream.item"
          + " WHERE stream_name = ? AND group_id = ? AND item_id = ? RETURNING value),"
          + " msg AS (SELECT value, CAST(jsonb_build_object('type', 'stream',"
          + " 'timestamp', CAST(? AS bigint), 'streamName', CAST(? AS text),"
          + " 'groupId', CAST(? AS text), 'id', CAST(? AS text),"
          + " 'event', jsonb_build_object('type', 'delete', 'data', value)) AS text) AS message"
          + " FROM del),"
          + " ev AS (INSERT INTO iii_stream.event (stream_name, group_id, item_id, event_type,"
          + " message, targets, pending, delivered_at, traceparent, baggage)"
          + " SELECT ?, ?, ?, 'delete', CAST(message AS jsonb), CAST(? AS jsonb),"
          + " CAST(? AS jsonb), CASE WHEN ? THEN now() END, ?, ? FROM msg"
          + " WHERE ? OR octet_length(message) >= ? RETURNING id)"
          + " SELECT CAST(value AS text), pg_notify(?, CASE WHEN octet_length(message) < ?"
          + " THEN '"
          + FROM_DATABASE
          + "' || message ELSE '#' || (SELECT id FROM ev) END) FROM msg";

  private final GroupCommit<Put, ItemChange> puts =
      new GroupCommit<>(MAX_BATCH, Put::id, this::putAlone, this::putTogether);
  private final DataSource dataSource;
  private final BlockingCalls calls;
  private final int inlineMaxBytes;

  JdbcStreamStore(DataSource dataSource, BlockingCalls calls, StreamProperties properties) {
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
   * <p>Without targets (no outbox row) and with a message small enough for the notification, the
   * put goes through a {@link GroupCommit}: alone, one autocommit statement replaces the item and
   * notifies, returning the old value, and when there is no item, one more creates it (and when
   * that meets an item created meanwhile, the replace runs again); puts of other items that arrive
   * while one is being written are written together in one statement ({@link #PUT_BATCH}).
   * Otherwise, {@link #write}.
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
    Put put = new Put(streamName, groupId, itemId, text, current, updated, now, trace);
    return calls.run(() -> puts.submit(put));
  }

  /** A {@link #put} without an outbox row, waiting for its group commit. */
  private record Put(
      String streamName,
      String groupId,
      String itemId,
      String text,
      JsonNode current,
      String updated,
      long now,
      @Nullable EventTrace trace) {
    List<String> id() {
      return List.of(streamName, groupId, itemId);
    }

    /** The notification of its create; null when it is too large to travel inline. */
    @Nullable
    String created(JdbcStreamStore store) {
      String created =
          StreamMessage.change(streamName, groupId, itemId, Optional.empty(), current, now)
              .toText();
      return store.inline(created) ? created : null;
    }
  }

  /** One put: autocommit statements, or {@link #write} when its create does not fit inline. */
  private ItemChange putAlone(Put put) {
    ItemChange change =
        autocommit(
            "write",
            c -> {
              for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                ItemChange replaced =
                    changeAndNotify(
                        c,
                        REPLACE_AND_NOTIFY,
                        put.text,
                        put.streamName,
                        put.groupId,
                        put.itemId,
                        put.updated,
                        r ->
                            new ItemChange(
                                Optional.of(JsonText.parse(r.getString(1))), put.current));
                if (replaced != null) {
                  return replaced;
                }
                String created = put.created(this);
                if (created == null) {
                  return null;
                }
                ItemChange inserted =
                    changeAndNotify(
                        c,
                        CREATE_AND_NOTIFY,
                        put.text,
                        put.streamName,
                        put.groupId,
                        put.itemId,
                        created,
                        r -> new ItemChange(Optional.empty(), put.current));
                if (inserted != null) {
                  return inserted;
                }
                // Created by another writer since the replace found no item: replace it.
              }
              throw new StreamStoreException("write failed: the item kept changing", null);
            });
    return change != null
        ? change
        : write(put.streamName, put.groupId, put.itemId, old -> put.current, List.of(), put.trace);
  }

  /**
   * Puts of distinct items in one autocommit statement ({@link #PUT_BATCH}); null for a put whose
   * create met an item made meanwhile, or whose create message is too large (it then runs alone).
   */
  private List<ItemChange> putTogether(List<Put> puts) {
    int n = puts.size();
    String[][] columns = new String[6][n];
    for (int i = 0; i < n; i++) {
      Put put = puts.get(i);
      columns[0][i] = put.streamName;
      columns[1][i] = put.groupId;
      columns[2][i] = put.itemId;
      columns[3][i] = put.text;
      columns[4][i] = put.updated;
      columns[5][i] = put.created(this);
    }
    return autocommit(
        "write",
        c -> {
          List<ItemChange> changes = new ArrayList<>(Collections.nCopies(n, (ItemChange) null));
          try (PreparedStatement s = c.prepareStatement(PUT_BATCH)) {
            for (int col = 0; col < columns.length; col++) {
              s.setArray(col + 1, c.createArrayOf("text", columns[col]));
            }
            s.setString(7, CHANNEL);
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                int i = r.getInt(1) - 1;
                String old = r.getString(2);
                Put put = puts.get(i);
                changes.set(
                    i,
                    new ItemChange(
                        old == null ? Optional.empty() : Optional.of(JsonText.parse(old)),
                        put.current));
              }
            }
          }
          return changes;
        });
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

  /**
   * {@inheritDoc}
   *
   * <p>A transaction of three round trips: the lock ({@code SELECT ... FOR UPDATE}), one statement
   * that writes the item, records the outbox row when there is one and notifies ({@link
   * #changeAndPublish}), and the commit. A new item that another writer creates meanwhile makes the
   * insert do nothing, and the transaction runs again with that item locked.
   */
  @Override
  public ItemChange write(
      String streamName,
      String groupId,
      String itemId,
      Function<Optional<JsonNode>, JsonNode> compute,
      List<EventTarget> targets,
      @Nullable EventTrace trace) {
    return transaction(
        "write",
        c -> {
          Optional<JsonNode> previous = lockAndRead(c, streamName, groupId, itemId);
          String text = JsonText.write(compute.apply(previous));
          // Read back through JsonText so the answer has the numbers the store keeps.
          JsonNode current = JsonText.parse(text);
          StreamMessage message =
              StreamMessage.change(
                  streamName, groupId, itemId, previous, current, System.currentTimeMillis());
          boolean written =
              changeAndPublish(
                  c,
                  previous.isPresent() ? UPDATE_ITEM : CREATE_ITEM,
                  s -> {
                    s.setString(1, text);
                    s.setString(2, streamName);
                    s.setString(3, groupId);
                    s.setString(4, itemId);
                    return 5;
                  },
                  message,
                  targets,
                  trace);
          // Not written: created by another writer since the lock found none; run again.
          return written ? new ItemChange(previous, current) : null;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>One autocommit statement ({@link #DELETE_AND_PUBLISH}): it deletes the item, and when there
   * was one, builds the {@code delete} message from the deleted value, records it in the outbox
   * when it has triggers or is too large for a notification, and notifies.
   */
  @Override
  public Optional<JsonNode> delete(
      String streamName,
      String groupId,
      String itemId,
      List<EventTarget> targets,
      @Nullable EventTrace trace) {
    return autocommit(
        "delete",
        c -> {
          try (PreparedStatement s = c.prepareStatement(DELETE_AND_PUBLISH)) {
            bind(s, streamName, groupId, itemId);
            s.setLong(4, System.currentTimeMillis());
            for (int first : new int[] {5, 8}) {
              s.setString(first, streamName);
              s.setString(first + 1, groupId);
              s.setString(first + 2, itemId);
            }
            String json = targetsJson(targets);
            s.setString(11, json);
            s.setString(12, json);
            s.setBoolean(13, targets.isEmpty());
            s.setString(14, trace == null ? null : trace.traceparent());
            s.setString(15, trace == null ? null : trace.baggage());
            s.setBoolean(16, !targets.isEmpty());
            s.setInt(17, inlineMaxBytes);
            s.setString(18, CHANNEL);
            s.setInt(19, inlineMaxBytes);
            try (ResultSet r = s.executeQuery()) {
              return r.next() ? Optional.of(JsonText.parse(r.getString(1))) : Optional.empty();
            }
          }
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Without targets and small enough for the notification, a lone {@code pg_notify}; otherwise
   * one statement that records the outbox row and notifies. Both in autocommit.
   */
  @Override
  public void publish(
      StreamMessage message, List<EventTarget> targets, @Nullable EventTrace trace) {
    if (targets.isEmpty()) {
      String text = message.toText();
      if (inline(text)) {
        autocommit(
            "publish",
            c -> {
              notify(c, text);
              return null;
            });
        return;
      }
    }
    autocommit("publish", c -> changeAndPublish(c, "SELECT 1", s -> 1, message, targets, trace));
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
    return transaction(
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
    return transaction(
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

  /** Binds a change's parameters from 1 on; answers the next parameter's index. */
  @FunctionalInterface
  private interface ChangeBinder {
    int bind(PreparedStatement s) throws SQLException;
  }

  /**
   * Runs {@code change} (a statement that returns a row when it changed something) and, when it
   * did, records the message in the outbox (when it has targets, or is too large for a
   * notification) and notifies every replica (at commit), all in one statement; false when the
   * change returned no row (nothing recorded or notified).
   */
  private boolean changeAndPublish(
      Connection c,
      String change,
      ChangeBinder binder,
      StreamMessage message,
      List<EventTarget> targets,
      @Nullable EventTrace trace)
      throws SQLException {
    String text = message.toText();
    boolean inline = inline(text);
    String json = targetsJson(targets);
    try (PreparedStatement s =
        c.prepareStatement(
            "WITH ch AS ("
                + change
                + "), ev AS (INSERT INTO iii_stream.event (stream_name, group_id, item_id,"
                + " event_type, message, targets, pending, delivered_at, traceparent, baggage)"
                + " SELECT ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), CAST(? AS jsonb),"
                + " CASE WHEN ? THEN now() END, ?, ? FROM ch WHERE ? RETURNING id)"
                + " SELECT pg_notify(?, COALESCE(?, '#' || (SELECT id FROM ev))) FROM ch")) {
      int p = binder.bind(s);
      s.setString(p, message.streamName());
      s.setString(p + 1, message.groupId());
      if (message.id() == null) {
        s.setNull(p + 2, Types.VARCHAR);
      } else {
        s.setString(p + 2, message.id());
      }
      s.setString(p + 3, message.eventType());
      s.setString(p + 4, text);
      s.setString(p + 5, json);
      s.setString(p + 6, json);
      s.setBoolean(p + 7, targets.isEmpty());
      s.setString(p + 8, trace == null ? null : trace.traceparent());
      s.setString(p + 9, trace == null ? null : trace.baggage());
      s.setBoolean(p + 10, !targets.isEmpty() || !inline);
      s.setString(p + 11, CHANNEL);
      if (inline) {
        s.setString(p + 12, text);
      } else {
        s.setNull(p + 12, Types.VARCHAR);
      }
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
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

  /**
   * A transaction ({@link JdbcTransactions#run}: run again while {@code work} answers null), on a
   * platform thread of {@link BlockingCalls}.
   */
  private <T> T transaction(String what, Work<T> work) {
    return autocommit(what, c -> JdbcTransactions.run(c, () -> work.run(c)));
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

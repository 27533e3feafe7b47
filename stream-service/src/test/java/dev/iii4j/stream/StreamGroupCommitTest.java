package dev.iii4j.stream;

import static dev.iii4j.stream.Items.item;
import static dev.iii4j.testing.Calls.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.testing.Calls;
import dev.iii4j.testing.GroupCommitGate;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceWithClient;
import io.micronaut.json.tree.JsonNode;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Group commit of {@code stream::set} without triggers: sets of other items that arrive while one
 * is being written are written together, each with its own old value, failure and notification.
 */
class StreamGroupCommitTest {
  private static final String LOCK_ITEM =
      "SELECT 1 FROM iii_stream.item WHERE stream_name = ? AND group_id = ? AND item_id = ?"
          + " FOR UPDATE";

  private static ServiceWithClient stack;
  private static EngineWorker client;
  private static DataSource database;

  @BeforeAll
  static void start() throws Exception {
    String db = PostgresFixture.instance().createDatabase("stream_group_commit");
    database = PostgresFixture.instance().dataSource(db);
    stack = StreamServiceInstance.withClient(db, "stream-group-commit-client");
    client = stack.client();
  }

  @AfterAll
  static void stop() {
    ServiceWithClient.close(stack);
  }

  private static StreamStore store() {
    return stack.service().getBean(StreamStore.class);
  }

  private static ItemChange put(String stream, String item, String value) {
    return store().put(stream, "g", item, JsonText.parse(value), List.of(), null);
  }

  /**
   * The batch of the tests below, in stream {@code s} (group {@code g}): with item {@code gate}'s
   * row locked, sets gate to 1 and queues behind it a to "a1", b to "b1", a to "a2", {@code extra}
   * and c to "c1"; releases the gate and returns the sets in that order.
   */
  @SafeVarargs
  private static List<CompletableFuture<ItemChange>> gatedBatch(
      String s, Supplier<ItemChange>... extra) throws SQLException {
    List<Supplier<ItemChange>> queued = new ArrayList<>();
    queued.add(() -> put(s, "a", "\"a1\""));
    queued.add(() -> put(s, "b", "\"b1\""));
    queued.add(() -> put(s, "a", "\"a2\""));
    queued.addAll(List.of(extra));
    queued.add(() -> put(s, "c", "\"c1\""));
    try (GroupCommitGate gate = GroupCommitGate.lockRow(database, LOCK_ITEM, s, "g", "gate")) {
      return gate.queueBehind(() -> put(s, "gate", "1"), queued);
    }
  }

  /** The old value each write replaced (JSON text, or {@code absent}), in order. */
  private static List<String> olds(List<CompletableFuture<ItemChange>> writes) throws Exception {
    return GroupCommitGate.oldValues(writes, ItemChange::previous);
  }

  /** The transaction that last wrote each item of {@code stream}. */
  private static Map<String, String> writers(String stream) throws Exception {
    return GroupCommitGate.writers(
        database,
        "SELECT item_id, CAST(xmin AS text) FROM iii_stream.item WHERE stream_name = ?",
        stream);
  }

  @Test
  void setsQueuedBehindACommitAreWrittenTogetherAndEachIsPublishedOnce() throws Exception {
    String s = unique("together");
    put(s, "gate", "0");
    put(s, "b", "\"b0\"");
    try (StreamClient ws = StreamClient.connect(StreamServiceInstance.clientUrl(stack.service()))) {
      ws.join("sub", s, "g", null);
      assertThat(ws.nextEvent()).isEqualTo("{\"type\":\"sync\",\"data\":[0,\"b0\"]}");
      // PostgreSQL cannot store U+0000 in text: this set fails, in the batch and alone.
      List<CompletableFuture<ItemChange>> sets =
          gatedBatch(s, () -> put(s, "bad", "\"nul \\u0000 here\""));
      assertThat(olds(List.of(sets.get(0), sets.get(1), sets.get(2), sets.get(3), sets.get(5))))
          .containsExactly("0", "absent", "\"b0\"", "\"a1\"", "absent");
      assertThatThrownBy(() -> sets.get(4).get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(StreamStoreException.class);
      assertThat(store().get(s, "g", "bad")).isEmpty();
      assertThat(store().list(s, "g").stream().map(JsonText::write))
          .containsExactlyInAnyOrder("1", "\"b1\"", "\"a2\"", "\"c1\"");
      // Each change reached the client once, a's two in order.
      List<String> events = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        JsonNode m = ws.next();
        events.add(m.get("id").getStringValue() + " " + JsonText.write(m.get("event")));
      }
      ws.assertQuiet(Duration.ofMillis(300));
      assertThat(events)
          .containsExactlyInAnyOrder(
              "gate {\"type\":\"update\",\"data\":1}",
              "a {\"type\":\"create\",\"data\":\"a1\"}",
              "b {\"type\":\"update\",\"data\":\"b1\"}",
              "a {\"type\":\"update\",\"data\":\"a2\"}",
              "c {\"type\":\"create\",\"data\":\"c1\"}");
      assertThat(events.stream().filter(e -> e.startsWith("a ")))
          .containsExactly(
              "a {\"type\":\"create\",\"data\":\"a1\"}", "a {\"type\":\"update\",\"data\":\"a2\"}");
    }
  }

  @Test
  void setsOfDistinctItemsQueuedBehindACommitShareOneTransaction() throws Exception {
    String s = unique("shared");
    put(s, "gate", "0");
    put(s, "b", "\"b0\"");
    List<CompletableFuture<ItemChange>> sets = gatedBatch(s);
    assertThat(olds(sets)).containsExactly("0", "absent", "\"b0\"", "\"a1\"", "absent");
    // b and c were written by one transaction (with a's first set), a's second set by another.
    Map<String, String> writers = writers(s);
    assertThat(writers.get("b")).isEqualTo(writers.get("c"));
    assertThat(writers.get("a")).isNotEqualTo(writers.get("b"));
    assertThat(writers.get("gate")).isNotEqualTo(writers.get("b"));
  }

  @Test
  void concurrentSetsOfSeveralItemsEachReplaceTheValueBefore() throws Exception {
    String s = unique("chains");
    List<String> stored =
        GroupCommitGate.concurrentSets(
            client,
            "stream::set",
            6,
            30,
            (k, i) -> item(s, "g", "i" + k, "\"data\":\"v" + k + "-" + i + "\""));
    for (int k = 0; k < stored.size(); k++) {
      assertThat(Calls.text(client, "stream::get", item(s, "g", "i" + k))).isEqualTo(stored.get(k));
    }
  }
}

package dev.iii4j.state;

import static dev.iii4j.state.StateFunctionsTest.key;
import static dev.iii4j.state.StateFunctionsTest.set;
import static dev.iii4j.testing.Calls.unique;
import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.testing.Calls;
import dev.iii4j.testing.GroupCommitGate;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceWithClient;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Group commit of {@code state::set}: puts that arrive while another is being written are written
 * together, each with its own exact old value, its own failure and its own event.
 */
class StateGroupCommitTest {
  private static final String LOCK_ENTRY =
      "SELECT 1 FROM state_entry WHERE scope = ? AND key = ? FOR UPDATE";

  private static ServiceWithClient stack;
  private static EngineWorker client;
  private static DataSource database;

  @BeforeAll
  static void start() throws Exception {
    String db = PostgresFixture.instance().createDatabase("state_group_commit");
    database = PostgresFixture.instance().dataSource(db);
    stack = StateServiceInstance.withClient(db, "state-group-commit-client");
    client = stack.client();
  }

  @AfterAll
  static void stop() {
    ServiceWithClient.close(stack);
  }

  private static StateStore store() {
    return stack.service().getBean(StateStore.class);
  }

  private static StateService state() {
    return stack.service().getBean(StateService.class);
  }

  private static JsonNode json(String text) {
    return JsonText.parse(text);
  }

  private static StateChange put(String scope, String key, String value) {
    return store().put(scope, key, json(value), List.of(), null);
  }

  /** The old value each write replaced (JSON text, or {@code absent}), in order. */
  private static List<String> olds(List<CompletableFuture<StateChange>> writes) throws Exception {
    return GroupCommitGate.oldValues(writes, StateChange::previous);
  }

  /** The transaction that last wrote each key of {@code scope}. */
  private static Map<String, String> writers(String scope) throws Exception {
    return GroupCommitGate.writers(
        database, "SELECT key, CAST(xmin AS text) FROM state_entry WHERE scope = ?", scope);
  }

  @Test
  void putsQueuedBehindACommitAreWrittenTogetherEachWithItsOwnOldValue() throws Exception {
    String scope = unique("together");
    put(scope, "gate", "0");
    put(scope, "b", "\"b0\"");
    List<CompletableFuture<StateChange>> puts;
    try (GroupCommitGate gate = GroupCommitGate.lockRow(database, LOCK_ENTRY, scope, "gate")) {
      puts =
          gate.queueBehind(
              () -> put(scope, "gate", "1"),
              () -> put(scope, "a", "\"a1\""),
              () -> put(scope, "b", "\"b1\""),
              () -> put(scope, "a", "\"a2\""),
              () -> put(scope, "c", "\"c1\""));
    }
    // gate, a, b, a again, c; a's second put waited for the first (one put per key in a batch)
    // and replaced its value.
    assertThat(olds(puts)).containsExactly("0", "absent", "\"b0\"", "\"a1\"", "absent");
    assertThat(puts.get(3).get().current()).isEqualTo(json("\"a2\""));
    assertThat(JsonText.write(store().get(scope, "a").orElseThrow())).isEqualTo("\"a2\"");
    assertThat(JsonText.write(store().get(scope, "c").orElseThrow())).isEqualTo("\"c1\"");
    // b and c were written by one transaction (with a's first put), a's second put by another.
    Map<String, String> writers = writers(scope);
    assertThat(writers.get("b")).isEqualTo(writers.get("c"));
    assertThat(writers.get("a")).isNotEqualTo(writers.get("b"));
    assertThat(writers.get("gate")).isNotEqualTo(writers.get("b"));
  }

  @Test
  void aPutThatFailsInABatchFailsAloneAndItsNeighboursAreStored() throws Exception {
    String scope = unique("failing");
    put(scope, "gate", "0");
    put(scope, "x", "\"x0\"");
    List<CompletableFuture<StateChange>> puts;
    try (GroupCommitGate gate = GroupCommitGate.lockRow(database, LOCK_ENTRY, scope, "gate")) {
      puts =
          gate.queueBehind(
              () -> put(scope, "gate", "1"),
              () -> put(scope, "x", "\"x1\""),
              // PostgreSQL cannot store U+0000 in text: this put fails, in the batch and alone.
              () -> put(scope, "y", "\"nul \\u0000 here\""),
              () -> put(scope, "z", "\"z1\""));
    }
    assertThat(olds(List.of(puts.get(0), puts.get(1), puts.get(3))))
        .containsExactly("0", "\"x0\"", "absent");
    assertThatThrownBy(() -> puts.get(2).get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(StateStoreException.class);
    assertThat(store().get(scope, "y")).isEmpty();
    assertThat(JsonText.write(store().get(scope, "x").orElseThrow())).isEqualTo("\"x1\"");
    assertThat(JsonText.write(store().get(scope, "z").orElseThrow())).isEqualTo("\"z1\"");
  }

  @Test
  void batchedPutsOfABoundScopeFireOneEventEachWithTheirOwnValues() throws Exception {
    String scope = unique("events");
    List<JsonNode> events =
        StateEventsTest.subscribe(
            client, stack.service(), "{\"scope\":\"" + scope + "\"}", scope, "a");
    state().set(scope, "gate", json("0"), null);
    state().set(scope, "b", json("\"b0\""), null);
    List<CompletableFuture<StateChange>> sets;
    try (GroupCommitGate gate = GroupCommitGate.lockRow(database, LOCK_ENTRY, scope, "gate")) {
      sets =
          gate.queueBehind(
              () -> state().set(scope, "gate", json("1"), null),
              () -> state().set(scope, "a", json("\"a1\""), null),
              () -> state().set(scope, "b", json("\"b1\""), null));
    }
    assertThat(olds(sets)).containsExactly("0", "absent", "\"b0\"");
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 5);
    List<String> seen = new ArrayList<>();
    for (JsonNode e : events) {
      seen.add(
          e.get("event_type").getStringValue()
              + " "
              + e.get("key").getStringValue()
              + " "
              + JsonText.write(e.get("old_value"))
              + " -> "
              + JsonText.write(e.get("new_value")));
    }
    assertThat(seen)
        .containsExactlyInAnyOrder(
            "state:created gate null -> 0",
            "state:created b null -> \"b0\"",
            "state:updated gate 0 -> 1",
            "state:created a null -> \"a1\"",
            "state:updated b \"b0\" -> \"b1\"");
    // b's events in commit order.
    assertThat(seen.stream().filter(s -> s.contains(" b ")))
        .containsExactly("state:created b null -> \"b0\"", "state:updated b \"b0\" -> \"b1\"");
  }

  @Test
  void concurrentSetsOfSeveralKeysThroughTheGatewayEachReplaceTheValueBefore() throws Exception {
    String scope = unique("chains");
    List<String> stored =
        GroupCommitGate.concurrentSets(
            client, "state::set", 6, 30, (k, i) -> set(scope, "k" + k, "\"v" + k + "-" + i + "\""));
    for (int k = 0; k < stored.size(); k++) {
      assertThat(Calls.text(client, "state::get", key(scope, "k" + k))).isEqualTo(stored.get(k));
      assertThatJson(stored.get(k)).isString();
    }
  }
}

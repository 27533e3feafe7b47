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

  /** Starts a put and waits until it is the {@code position}-th write queued behind the gate. */
  private static CompletableFuture<StateChange> queuePut(
      String scope, String key, String value, int position) {
    return GroupCommitGate.queue(
        () -> store().put(scope, key, json(value), List.of(), null), position);
  }

  private static String old(CompletableFuture<StateChange> put) throws Exception {
    return put.get(20, TimeUnit.SECONDS).previous().map(JsonText::write).orElse("absent");
  }

  /** The transaction that last wrote each key of {@code scope}. */
  private static Map<String, String> writers(String scope) throws Exception {
    return GroupCommitGate.writers(
        database, "SELECT key, CAST(xmin AS text) FROM state_entry WHERE scope = ?", scope);
  }

  @Test
  void putsQueuedBehindACommitAreWrittenTogetherEachWithItsOwnOldValue() throws Exception {
    String scope = unique("together");
    store().put(scope, "gate", json("0"), List.of(), null);
    store().put(scope, "b", json("\"b0\""), List.of(), null);
    CompletableFuture<StateChange> gated;
    CompletableFuture<StateChange> a1;
    CompletableFuture<StateChange> b1;
    CompletableFuture<StateChange> a2;
    CompletableFuture<StateChange> c1;
    try (GroupCommitGate gate = GroupCommitGate.lockRow(database, LOCK_ENTRY, scope, "gate")) {
      gated = GroupCommitGate.start(() -> store().put(scope, "gate", json("1"), List.of(), null));
      gate.awaitBlocked(1);
      a1 = queuePut(scope, "a", "\"a1\"", 1);
      b1 = queuePut(scope, "b", "\"b1\"", 2);
      a2 = queuePut(scope, "a", "\"a2\"", 3);
      c1 = queuePut(scope, "c", "\"c1\"", 4);
    }
    assertThat(old(gated)).isEqualTo("0");
    assertThat(old(a1)).isEqualTo("absent");
    assertThat(old(b1)).isEqualTo("\"b0\"");
    // a's second put waited for the first (one put per key in a batch) and replaced its value.
    assertThat(old(a2)).isEqualTo("\"a1\"");
    assertThat(old(c1)).isEqualTo("absent");
    assertThat(a2.get().current()).isEqualTo(json("\"a2\""));
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
    store().put(scope, "gate", json("0"), List.of(), null);
    store().put(scope, "x", json("\"x0\""), List.of(), null);
    CompletableFuture<StateChange> gated;
    CompletableFuture<StateChange> x;
    CompletableFuture<StateChange> bad;
    CompletableFuture<StateChange> z;
    try (GroupCommitGate gate = GroupCommitGate.lockRow(database, LOCK_ENTRY, scope, "gate")) {
      gated = GroupCommitGate.start(() -> store().put(scope, "gate", json("1"), List.of(), null));
      gate.awaitBlocked(1);
      x = queuePut(scope, "x", "\"x1\"", 1);
      // PostgreSQL cannot store U+0000 in text: this put fails, in the batch and alone.
      bad = queuePut(scope, "y", "\"nul \\u0000 here\"", 2);
      z = queuePut(scope, "z", "\"z1\"", 3);
    }
    assertThat(old(gated)).isEqualTo("0");
    assertThat(old(x)).isEqualTo("\"x0\"");
    assertThat(old(z)).isEqualTo("absent");
    assertThatThrownBy(() -> bad.get(20, TimeUnit.SECONDS))
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
    CompletableFuture<StateChange> gated;
    CompletableFuture<StateChange> a;
    CompletableFuture<StateChange> b;
    try (GroupCommitGate gate = GroupCommitGate.lockRow(database, LOCK_ENTRY, scope, "gate")) {
      gated = GroupCommitGate.start(() -> state().set(scope, "gate", json("1"), null));
      gate.awaitBlocked(1);
      a = GroupCommitGate.start(() -> state().set(scope, "a", json("\"a1\""), null));
      GroupCommitGate.awaitQueued(1);
      b = GroupCommitGate.start(() -> state().set(scope, "b", json("\"b1\""), null));
      GroupCommitGate.awaitQueued(2);
    }
    assertThat(old(gated)).isEqualTo("0");
    assertThat(old(a)).isEqualTo("absent");
    assertThat(old(b)).isEqualTo("\"b0\"");
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

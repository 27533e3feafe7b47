package dev.iii4j.state;

import static dev.iii4j.testing.Calls.call;
import static dev.iii4j.testing.Calls.error;
import static dev.iii4j.testing.Calls.text;
import static dev.iii4j.testing.Calls.unique;
import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceWithClient;
import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every state function through a real gateway, against real PostgreSQL. */
class StateFunctionsTest {
  private static ServiceWithClient stack;
  private static EngineWorker client;

  @BeforeAll
  static void start() throws Exception {
    String db = PostgresFixture.instance().createDatabase("state_functions");
    stack =
        ServiceWithClient.start(
            gw -> {
              Map<String, Object> properties = StateServiceInstance.properties(gw, db);
              properties.put("engine.state.max-value-bytes", 4096);
              return StateServiceInstance.start(properties);
            },
            "state-functions-client",
            "state::list_groups");
    client = stack.client();
  }

  @AfterAll
  static void stop() {
    ServiceWithClient.close(stack);
  }

  @Test
  void setReturnsOldAndNewValueAndGetReadsIt() throws Exception {
    String scope = unique("users");
    assertThatJson(text(client, "state::set", set(scope, "u1", "{\"name\":\"Ada\"}")))
        .isEqualTo("{\"old_value\":null,\"new_value\":{\"name\":\"Ada\"}}");
    assertThatJson(text(client, "state::set", set(scope, "u1", "[1,2]")))
        .isEqualTo("{\"old_value\":{\"name\":\"Ada\"},\"new_value\":[1,2]}");
    assertThat(text(client, "state::get", key(scope, "u1"))).isEqualTo("[1,2]");
  }

  @Test
  void getOfAMissingKeyHasNoResult() throws Exception {
    assertThat(call(client, "state::get", key(unique("none"), "missing"))).isNull();
  }

  @Test
  void dataIsAnAliasOfValueAndNullIsAValue() throws Exception {
    String scope = unique("alias");
    assertThatJson(
            text(
                client,
                "state::set",
                "{\"scope\":\"" + scope + "\",\"key\":\"k\",\"data\":\"via data\"}"))
        .isEqualTo("{\"old_value\":null,\"new_value\":\"via data\"}");
    assertThatJson(text(client, "state::set", set(scope, "n", "null")))
        .isEqualTo("{\"old_value\":null,\"new_value\":null}");
    assertThat(text(client, "state::list", "{\"scope\":\"" + scope + "\"}"))
        .isEqualTo("[\"via data\",null]");
  }

  @Test
  void deleteReturnsTheDeletedValueItself() throws Exception {
    String scope = unique("del");
    call(client, "state::set", set(scope, "k", "{\"v\":1}"));
    assertThatJson(text(client, "state::delete", key(scope, "k"))).isEqualTo("{\"v\":1}");
    assertThat(call(client, "state::delete", key(scope, "k"))).isNull();
    assertThat(call(client, "state::get", key(scope, "k"))).isNull();
  }

  @Test
  void listKeepsInsertionOrderAndRewritesKeepTheirPlace() throws Exception {
    String scope = unique("order");
    for (String k : List.of("c", "a", "b")) {
      call(client, "state::set", set(scope, k, "\"" + k + "\""));
    }
    call(client, "state::set", set(scope, "c", "\"c2\""));
    call(client, "state::delete", key(scope, "a"));
    call(client, "state::set", set(scope, "a", "\"a2\""));
    assertThat(text(client, "state::list", "{\"scope\":\"" + scope + "\"}"))
        .isEqualTo("[\"c2\",\"b\",\"a2\"]");
    assertThat(text(client, "state::list", "{\"scope\":\"" + unique("empty") + "\"}"))
        .isEqualTo("[]");
  }

  @Test
  void listGroupsIsSortedAndDeduplicated() throws Exception {
    String base = unique("groups");
    for (String scope : List.of(base + "-b", base + "-a", base + "-b", base + "-B")) {
      call(client, "state::set", set(scope, unique("k"), "1"));
    }
    JsonNode groups = call(client, "state::list_groups", "{}").get("groups");
    List<String> names = new ArrayList<>();
    groups.values().forEach(g -> names.add(g.getStringValue()));
    assertThat(names).isSorted().doesNotHaveDuplicates();
    assertThat(names.stream().filter(n -> n.startsWith(base)))
        .containsExactly(base + "-B", base + "-a", base + "-b");
  }

  @Test
  void updateAppliesOpsInOrderAndOmitsEmptyErrors() throws Exception {
    String scope = unique("upd");
    assertThatJson(
            text(
                client,
                "state::update",
                update(
                    scope,
                    "k",
                    "[{\"type\":\"set\",\"path\":\"name\",\"value\":\"x\"},"
                        + "{\"type\":\"increment\",\"path\":\"n\",\"by\":2},"
                        + "{\"type\":\"merge\",\"path\":[\"a\",\"b\"],\"value\":{\"c\":1}},"
                        + "{\"type\":\"append\",\"path\":\"log\",\"value\":\"hi\"}]")))
        .isEqualTo(
            "{\"old_value\":null,\"new_value\":{\"name\":\"x\",\"n\":2,\"a\":{\"b\":{\"c\":1}},"
                + "\"log\":\"hi\"}}");
    String result =
        text(
            client,
            "state::update",
            update(
                scope,
                "k",
                "[{\"type\":\"increment\",\"path\":\"name\",\"by\":1},"
                    + "{\"type\":\"decrement\",\"path\":\"n\",\"by\":5},"
                    + "{\"type\":\"remove\",\"path\":\"a\"}]"));
    assertThatJson(result)
        .isEqualTo(
            "{\"old_value\":{\"name\":\"x\",\"n\":2,\"a\":{\"b\":{\"c\":1}},\"log\":\"hi\"},"
                + "\"new_value\":{\"name\":\"x\",\"n\":-3,\"log\":\"hi\"},"
                + "\"errors\":[{\"op_index\":0,\"code\":\"increment.not_number\","
                + "\"message\":\"Expected number at path 'name', got string.\","
                + "\"doc_url\":\"https://iii.dev/docs/workers/iii-state#error-codes\"}]}");
    assertThatJson(text(client, "state::update", update(unique("empty"), "k", "[]")))
        .isEqualTo("{\"old_value\":null,\"new_value\":{}}");
  }

  @Test
  void integersStayIntegersAndFloatsStayFloats() throws Exception {
    String scope = unique("numbers");
    String value =
        "{\"i\":9223372036854775807,\"u\":18446744073709551615,\"neg\":-42,\"f\":2.5,"
            + "\"whole\":2.0,\"tiny\":1.0E-7}";
    call(client, "state::set", set(scope, "k", value));
    JsonNode stored = call(client, "state::get", key(scope, "k"));
    assertThat(JsonText.number(stored.get("i"))).isEqualTo(Long.MAX_VALUE);
    assertThat(JsonText.number(stored.get("u")).toString()).isEqualTo("18446744073709551615");
    assertThat(JsonText.number(stored.get("neg"))).isEqualTo(-42L);
    assertThat(JsonText.number(stored.get("f"))).isEqualTo(2.5);
    assertThat(JsonText.number(stored.get("whole"))).isInstanceOf(Double.class);
    assertThat(JsonText.number(stored.get("tiny"))).isEqualTo(1.0e-7);
    JsonNode updated =
        call(
            client,
            "state::update",
            update(scope, "k", "[{\"type\":\"increment\",\"path\":\"i\",\"by\":1}]"));
    assertThat(JsonText.write(updated.get("new_value").get("i"))).isEqualTo("9223372036854775808");
  }

  @Test
  void hundredConcurrentIncrementsSumExactly() throws Exception {
    String scope = unique("counter");
    String op = update(scope, "hits", "[{\"type\":\"increment\",\"path\":\"\",\"by\":1}]");
    long started = System.nanoTime();
    List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      calls.add(
          client
              .call("state::update", SerdeTrees.sdk(JsonText.parse(op)))
              .thenApply(SerdeTrees::serde));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.println("MEASURE 100 concurrent increments through the gateway: " + millis + " ms");
    assertThat(text(client, "state::get", key(scope, "hits"))).isEqualTo("100");
    List<Long> seen = new ArrayList<>();
    for (CompletableFuture<JsonNode> c : calls) {
      seen.add(c.get().get("new_value").getLongValue());
    }
    assertThat(seen).doesNotHaveDuplicates().hasSize(100).allMatch(n -> n >= 1 && n <= 100);
  }

  @Test
  void concurrentSetsOfANewKeyEachReturnTheValueTheyReplaced() throws Exception {
    String scope = unique("racing");
    List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(
          client
              .call("state::set", SerdeTrees.sdk(JsonText.parse(set(scope, "k", "" + i))))
              .thenApply(SerdeTrees::serde));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    // The sets ran one after another: each replaced exactly the previous one's value, the first
    // replaced nothing, and only the last one's value was not replaced.
    List<String> replaced = new ArrayList<>();
    for (CompletableFuture<JsonNode> c : calls) {
      replaced.add(JsonText.write(c.get().get("old_value")));
    }
    String last = text(client, "state::get", key(scope, "k"));
    List<String> expected = new ArrayList<>();
    expected.add("null");
    for (int i = 0; i < 50; i++) {
      if (!Integer.toString(i).equals(last)) {
        expected.add(Integer.toString(i));
      }
    }
    assertThat(replaced).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void concurrentWritersOfOneKeyEachReplaceADistinctValue() throws Exception {
    // Straight on the store, from threads released together, so the writers really overlap.
    StateStore store = stack.service().getBean(StateStore.class);
    String scope = unique("overlap");
    int threads = 10;
    int each = 30;
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<List<String>>> writers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int t = 0; t < threads; t++) {
        int writer = t;
        writers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  List<String> replaced = new ArrayList<>();
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  for (int i = 0; i < each; i++) {
                    JsonNode value = JsonNode.createNumberNode(writer * 1000 + i);
                    StateChange change =
                        i % 3 == 2
                            ? store.write(scope, "k", old -> value, List.of(), null)
                            : store.put(scope, "k", value, List.of(), null);
                    replaced.add(change.previous().map(JsonText::write).orElse("absent"));
                  }
                  return replaced;
                },
                pool));
      }
      go.countDown();
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
    List<String> replaced = new ArrayList<>();
    for (CompletableFuture<List<String>> w : writers) {
      replaced.addAll(w.get());
    }
    String last = JsonText.write(store.get(scope, "k").orElseThrow());
    List<String> expected = new ArrayList<>();
    expected.add("absent");
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < each; i++) {
        String v = Integer.toString(t * 1000 + i);
        if (!v.equals(last)) {
          expected.add(v);
        }
      }
    }
    assertThat(replaced).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void badInputAnswersDeserializationErrorNamingTheField() throws Exception {
    assertError("state::set", "{\"key\":\"k\",\"value\":1}", "missing field `scope`");
    assertError(
        "state::set",
        "{\"scope\":5,\"key\":\"k\",\"value\":1}",
        "invalid type: integer `5`, expected a string at `scope`");
    assertError("state::set", "{\"scope\":\"s\",\"key\":\"k\"}", "missing field `value`");
    assertError("state::get", "{\"scope\":\"s\"}", "missing field `key`");
    assertError("state::list", "{}", "missing field `scope`");
    assertError("state::list_groups", null, "invalid type: null, expected a map");
    assertError("state::update", "{\"scope\":\"s\",\"key\":\"k\"}", "missing field `ops`");
    assertError(
        "state::update",
        update("s", "k", "[{\"type\":\"foo\"}]"),
        "unknown variant `foo`, expected one of `set`, `merge`, `increment`, `decrement`,"
            + " `append`, `remove` at `ops[0].type`");
    assertError(
        "state::update",
        update(
            "s",
            "k",
            "[{\"type\":\"remove\",\"path\":\"a\"},{\"type\":\"increment\","
                + "\"path\":\"n\",\"by\":1.5}]"),
        "invalid type: floating point `1.5`, expected i64 at `ops[1].by`");
    assertError(
        "state::update",
        update("s", "k", "[{\"type\":\"merge\",\"path\":\"a\"}]"),
        "missing field `value` at `ops[0]`");
  }

  @Test
  void aRejectedUpdateStoresNothing() throws Exception {
    String scope = unique("rejected");
    error(client, "state::update", update(scope, "k", "[{\"type\":\"nope\"}]"));
    assertThat(call(client, "state::get", key(scope, "k"))).isNull();
  }

  @Test
  void setRejectsValuesAboveMaxValueBytes() throws Exception {
    String big = "\"" + "x".repeat(5000) + "\"";
    WorkerException.Remote e = error(client, "state::set", set(unique("big"), "k", big));
    assertThat(e.code()).isEqualTo("VALUE_TOO_LARGE");
    assertThat(e.getMessage())
        .isEqualTo("value of 5002 bytes exceeds the configured max_value_bytes limit of 4096");
  }

  private static void assertError(String functionId, String json, String detail) throws Exception {
    WorkerException.Remote e = error(client, functionId, json);
    assertThat(e.code()).isEqualTo("deserialization_error");
    assertThat(e.getMessage())
        .isEqualTo("Failed to deserialize input for " + functionId + ": " + detail);
  }

  static String set(String scope, String key, String valueJson) {
    return "{\"scope\":\"" + scope + "\",\"key\":\"" + key + "\",\"value\":" + valueJson + "}";
  }

  static String key(String scope, String key) {
    return "{\"scope\":\"" + scope + "\",\"key\":\"" + key + "\"}";
  }

  static String update(String scope, String key, String opsJson) {
    return "{\"scope\":\"" + scope + "\",\"key\":\"" + key + "\",\"ops\":" + opsJson + "}";
  }
}

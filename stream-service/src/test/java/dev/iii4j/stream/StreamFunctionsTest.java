package dev.iii4j.stream;

import static dev.iii4j.stream.Items.item;
import static dev.iii4j.testing.Calls.call;
import static dev.iii4j.testing.Calls.error;
import static dev.iii4j.testing.Calls.text;
import static dev.iii4j.testing.Calls.unique;
import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.FunctionRef;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.Calls;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceWithClient;
import io.micronaut.json.tree.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every stream function and its errors through a real gateway, against real PostgreSQL. */
class StreamFunctionsTest {
  private static ServiceWithClient stack;
  private static String db;
  private static EngineWorker client;

  @BeforeAll
  static void start() throws Exception {
    db = PostgresFixture.instance().createDatabase("stream_functions");
    stack = StreamServiceInstance.withClient(db, "stream-functions-client");
    client = stack.client();
  }

  @AfterAll
  static void stop() {
    ServiceWithClient.close(stack);
  }

  @Test
  void setAnswersOldAndNewValueAndGetReadsIt() throws Exception {
    String s = unique("orders");
    assertThatJson(text(client, "stream::set", item(s, "g", "i1", "\"data\":{\"n\":1}")))
        .isEqualTo("{\"old_value\":null,\"new_value\":{\"n\":1}}");
    assertThatJson(text(client, "stream::set", item(s, "g", "i1", "\"data\":[1,2.5,\"x\"]")))
        .isEqualTo("{\"old_value\":{\"n\":1},\"new_value\":[1,2.5,\"x\"]}");
    assertThat(text(client, "stream::get", item(s, "g", "i1"))).isEqualTo("[1,2.5,\"x\"]");
    // Integers stay integers through jsonb.
    call(client, "stream::set", item(s, "g", "big", "\"data\":18446744073709551615"));
    assertThat(text(client, "stream::get", item(s, "g", "big"))).isEqualTo("18446744073709551615");
  }

  @Test
  void getOfAMissingItemHasNoResult() throws Exception {
    assertThat(call(client, "stream::get", item(unique("none"), "g", "missing"))).isNull();
  }

  @Test
  void deleteAnswersTheOldValueAlsoWhenThereWasNone() throws Exception {
    String s = unique("del");
    call(client, "stream::set", item(s, "g", "i", "\"data\":{\"a\":true}"));
    assertThatJson(text(client, "stream::delete", item(s, "g", "i")))
        .isEqualTo("{\"old_value\":{\"a\":true}}");
    assertThat(call(client, "stream::get", item(s, "g", "i"))).isNull();
    assertThatJson(text(client, "stream::delete", item(s, "g", "i")))
        .isEqualTo("{\"old_value\":null}");
  }

  @Test
  void listKeepsInsertionOrderAndListGroupsIsASortedArray() throws Exception {
    String s = unique("list");
    call(client, "stream::set", item(s, "b", "z", "\"data\":1"));
    call(client, "stream::set", item(s, "b", "a", "\"data\":2"));
    call(client, "stream::set", item(s, "b", "m", "\"data\":3"));
    call(client, "stream::set", item(s, "b", "z", "\"data\":4"));
    call(client, "stream::set", item(s, "a", "x", "\"data\":5"));
    assertThat(text(client, "stream::list", "{\"stream_name\":\"" + s + "\",\"group_id\":\"b\"}"))
        .isEqualTo("[4,2,3]");
    assertThat(text(client, "stream::list", "{\"stream_name\":\"" + s + "\",\"group_id\":\"no\"}"))
        .isEqualTo("[]");
    assertThat(text(client, "stream::list_groups", "{\"stream_name\":\"" + s + "\"}"))
        .isEqualTo("[\"a\",\"b\"]");
    assertThat(text(client, "stream::list_groups", "{\"stream_name\":\"nothing-here\"}"))
        .isEqualTo("[]");
  }

  @Test
  void listAllAnswersEveryStreamWithItsGroupsAndTheCount() throws Exception {
    String s = "all-" + unique("x");
    call(client, "stream::set", item(s, "g2", "i", "\"data\":1"));
    call(client, "stream::set", item(s, "g1", "i", "\"data\":1"));
    JsonNode all = Calls.stripCaller(call(client, "stream::list_all", "{}"));
    JsonNode streams = all.get("stream");
    assertThat(all.get("count").getIntValue()).isEqualTo(streams.size());
    List<String> ids = new ArrayList<>();
    JsonNode mine = null;
    for (JsonNode stream : streams.values()) {
      ids.add(stream.get("id").getStringValue());
      if (stream.get("id").getStringValue().equals(s)) {
        mine = stream;
      }
    }
    assertThat(ids).isSorted().contains(s);
    assertThat(JsonText.write(mine)).isEqualTo("{\"id\":\"" + s + "\",\"groups\":[\"g1\",\"g2\"]}");
    WorkerException.Remote nullInput = error(client, "stream::list_all", null);
    assertThat(nullInput.code()).isEqualTo("deserialization_error");
    assertThat(nullInput.getMessage())
        .startsWith("Failed to deserialize input for stream::list_all: invalid type: null");
  }

  @Test
  void updateAppliesTheSharedOpsAndReportsFailedOps() throws Exception {
    String s = unique("upd");
    String ops =
        "\"ops\":[{\"type\":\"increment\",\"path\":\"count\",\"by\":2},"
            + "{\"type\":\"append\",\"path\":\"log\",\"value\":\"a\"},"
            + "{\"type\":\"increment\",\"path\":\"log\",\"by\":1},"
            + "{\"type\":\"merge\",\"value\":{\"name\":\"x\"}}]";
    assertThatJson(text(client, "stream::update", item(s, "g", "i", ops)))
        .isEqualTo(
            "{\"old_value\":null,\"new_value\":{\"count\":2,\"log\":\"a\",\"name\":\"x\"},"
                + "\"errors\":[{\"op_index\":2,\"code\":\"increment.not_number\","
                + "\"message\":\"Expected number at path 'log', got string.\","
                + "\"doc_url\":\"https://iii.dev/docs/workers/iii-state#error-codes\"}]}");
    assertThatJson(
            text(
                client,
                "stream::update",
                item(
                    s, "g", "i", "\"ops\":[{\"type\":\"increment\",\"path\":\"count\",\"by\":3}]")))
        .isEqualTo(
            "{\"old_value\":{\"count\":2,\"log\":\"a\",\"name\":\"x\"},"
                + "\"new_value\":{\"count\":5,\"log\":\"a\",\"name\":\"x\"}}");
    assertThatJson(text(client, "stream::update", item(unique("empty"), "g", "i", "\"ops\":[]")))
        .isEqualTo("{\"old_value\":null,\"new_value\":{}}");
  }

  @Test
  void concurrentIncrementsOfOneItemAreNotLost() throws Exception {
    String s = unique("race");
    String inc = item(s, "g", "n", "\"ops\":[{\"type\":\"increment\",\"path\":\"\",\"by\":1}]");
    List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(
          client
              .call("stream::update", SerdeTrees.sdk(JsonText.parse(inc)))
              .thenApply(SerdeTrees::serde));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(text(client, "stream::get", item(s, "g", "n"))).isEqualTo("50");
  }

  @Test
  void sendAnswersAnExplicitNullAndStoresNothing() throws Exception {
    String s = unique("send");
    JsonNode answer =
        call(
            client,
            "stream::send",
            "{\"stream_name\":\"" + s + "\",\"group_id\":\"g\",\"type\":\"ping\",\"data\":1}");
    assertThat(answer).isNotNull();
    assertThat(answer.isNull()).as("result: null, as the reference answers").isTrue();
    assertThat(text(client, "stream::list_groups", "{\"stream_name\":\"" + s + "\"}"))
        .isEqualTo("[]");
  }

  @Test
  void requestsThatDoNotMatchTheSchemaAnswerDeserializationError() throws Exception {
    assertDeserialization(
        "stream::set",
        "{\"group_id\":\"g\",\"item_id\":\"i\",\"data\":1}",
        "missing field `stream_name`");
    assertDeserialization("stream::set", item("s", "g", "i"), "missing field `data`");
    assertDeserialization(
        "stream::get",
        "{\"stream_name\":\"s\",\"group_id\":1,\"item_id\":\"i\"}",
        "invalid type: integer `1`, expected a string at `group_id`");
    assertDeserialization("stream::list", "{\"stream_name\":\"s\"}", "missing field `group_id`");
    assertDeserialization("stream::list_groups", "{}", "missing field `stream_name`");
    assertDeserialization(
        "stream::send",
        "{\"stream_name\":\"s\",\"group_id\":\"g\",\"type\":\"t\",\"data\":1,\"id\":5}",
        "invalid type: integer `5`, expected a string at `id`");
    assertDeserialization(
        "stream::send",
        "{\"stream_name\":\"s\",\"group_id\":\"g\",\"data\":1}",
        "missing field `type`");
    assertDeserialization(
        "stream::update",
        item("s", "g", "i", "\"ops\":[{\"type\":\"nope\",\"path\":\"\"}]"),
        "unknown variant `nope`, expected one of `set`, `merge`, `increment`, `decrement`,"
            + " `append`, `remove` at `ops[0].type`");
    assertDeserialization("stream::delete", "[1]", "invalid type: sequence, expected a map");
  }

  @Test
  void aValueTheDatabaseRefusesAnswersTheFunctionsErrorCode() throws Exception {
    // PostgreSQL text cannot hold U+0000.
    WorkerException.Remote set =
        error(client, "stream::set", item(unique("nul"), "g", "i", "\"data\":\"a\\u0000b\""));
    assertThat(set.code()).isEqualTo("STREAM_SET_ERROR");
    assertThat(set.getMessage()).startsWith("Failed to set value: write failed: ");
    WorkerException.Remote update =
        error(client, "stream::update", item("s\\u0000", "g", "i", "\"ops\":[]"));
    assertThat(update.code()).isEqualTo("STREAM_UPDATE_ERROR");
    assertThat(update.getMessage()).startsWith("Failed to update value: ");
  }

  @Test
  void customStorageFunctionsReplaceTheBuiltInStoreForTheirStream() throws Exception {
    String s = unique("custom");
    Map<String, JsonNode> custom = new ConcurrentHashMap<>();
    EngineWorker provider = stack.gateway().worker("custom-provider");
    provider.registerFunction(
        "stream::get(" + s + ")",
        FunctionHandler.sync(in -> SerdeTrees.sdk(custom.get(key(SerdeTrees.serde(in))))));
    provider.registerFunction(
        "stream::set(" + s + ")",
        FunctionHandler.sync(
            in -> {
              JsonNode old =
                  custom.put(key(SerdeTrees.serde(in)), SerdeTrees.serde(in.get("data")));
              return SerdeTrees.sdk(
                  JsonText.parse(
                      "{\"old_value\":"
                          + (old == null ? "null" : JsonText.write(old))
                          + ",\"new_value\":"
                          + JsonText.write(SerdeTrees.serde(in.get("data")))
                          + "}"));
            }));
    provider.registerFunction(
        "stream::delete(" + s + ")",
        FunctionHandler.sync(
            in -> {
              JsonNode old = custom.remove(key(SerdeTrees.serde(in)));
              return SerdeTrees.sdk(
                  JsonText.parse(
                      "{\"old_value\":" + (old == null ? "null" : JsonText.write(old)) + "}"));
            }));
    provider.registerFunction(
        "stream::list(" + s + ")",
        FunctionHandler.sync(in -> SerdeTrees.sdk(JsonText.parse("[\"custom\"]"))));
    provider.registerFunction(
        "stream::list_groups(" + s + ")",
        FunctionHandler.sync(
            in -> {
              throw new FunctionException("LIST_GROUPS_FAILED", "custom list_groups failed");
            }));
    provider.registerFunction(
        "stream::update(" + s + ")",
        FunctionHandler.sync(in -> SerdeTrees.sdk(JsonText.parse("[1]"))));
    provider.start().get(10, TimeUnit.SECONDS);
    try {
      assertThatJson(text(client, "stream::set", item(s, "g", "i", "\"data\":{\"v\":1}")))
          .isEqualTo("{\"old_value\":null,\"new_value\":{\"v\":1}}");
      assertThat(custom).containsKey("g/i");
      assertThat(text(client, "stream::get", item(s, "g", "i"))).isEqualTo("{\"v\":1}");
      assertThat(text(client, "stream::list", "{\"stream_name\":\"" + s + "\",\"group_id\":\"g\"}"))
          .isEqualTo("[\"custom\"]");
      // Nothing reached the built-in store.
      assertThat(count("SELECT count(*) FROM iii_stream.item WHERE stream_name = '" + s + "'"))
          .isZero();
      // get, list and list_groups pass the custom function's error through.
      WorkerException.Remote groups =
          error(client, "stream::list_groups", "{\"stream_name\":\"" + s + "\"}");
      assertThat(groups.code()).isEqualTo("LIST_GROUPS_FAILED");
      assertThat(groups.getMessage()).isEqualTo("custom list_groups failed");
      // A result of the wrong shape is a JSON_ERROR.
      WorkerException.Remote update =
          error(client, "stream::update", item(s, "g", "i", "\"ops\":[]"));
      assertThat(update.code()).isEqualTo("JSON_ERROR");
      assertThat(update.getMessage())
          .isEqualTo(
              "Failed to convert result to value: invalid type: sequence, expected struct"
                  + " StreamUpdateResult");
      assertThatJson(text(client, "stream::delete", item(s, "g", "i")))
          .isEqualTo("{\"old_value\":{\"v\":1}}");
      assertThat(custom).isEmpty();
      // Other streams still use the built-in store.
      String other = unique("builtin");
      call(client, "stream::set", item(other, "g", "i", "\"data\":1"));
      assertThat(count("SELECT count(*) FROM iii_stream.item WHERE stream_name = '" + other + "'"))
          .isEqualTo(1);
    } finally {
      provider.close();
    }
    // Without its provider, the stream falls back to the built-in store.
    assertThatJson(text(client, "stream::set", item(s, "g", "i", "\"data\":2")))
        .isEqualTo("{\"old_value\":null,\"new_value\":2}");
  }

  @Test
  void aCustomStorageRegisteredAfterTheStreamWasUsedTakesOverAtOnce() throws Exception {
    String s = unique("custom-late");
    call(client, "stream::set", item(s, "g", "i", "\"data\":\"built-in\""));
    assertThat(text(client, "stream::get", item(s, "g", "i"))).isEqualTo("\"built-in\"");
    EngineWorker provider = stack.gateway().worker("custom-late-provider");
    provider.registerFunction(
        "stream::get(" + s + ")",
        FunctionHandler.sync(in -> SerdeTrees.sdk(JsonNode.createStringNode("custom"))));
    provider.start().get(10, TimeUnit.SECONDS);
    try {
      // Once the gateway has the function, the next operation uses it: no waiting for a poll.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> listed(s).contains("stream::get(" + s + ")"));
      assertThat(text(client, "stream::get", item(s, "g", "i"))).isEqualTo("\"custom\"");
    } finally {
      provider.close();
    }
  }

  @Test
  void aCustomStorageThatUnregisteredGivesTheStreamBackToTheBuiltInStore() throws Exception {
    String s = unique("custom-gone");
    EngineWorker provider = stack.gateway().worker("custom-gone-provider");
    FunctionRef get =
        provider.registerFunction(
            "stream::get(" + s + ")",
            FunctionHandler.sync(in -> SerdeTrees.sdk(JsonNode.createStringNode("custom"))));
    provider.start().get(10, TimeUnit.SECONDS);
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> listed(s).contains("stream::get(" + s + ")"));
      assertThat(text(client, "stream::get", item(s, "g", "i"))).isEqualTo("\"custom\"");
      get.unregister();
      await().atMost(Duration.ofSeconds(10)).until(() -> listed(s).isEmpty());
      assertThat(call(client, "stream::get", item(s, "g", "i"))).isNull();
      call(client, "stream::set", item(s, "g", "i", "\"data\":\"built-in\""));
      assertThat(text(client, "stream::get", item(s, "g", "i"))).isEqualTo("\"built-in\"");
    } finally {
      provider.close();
    }
  }

  /** The ids of the stream's custom storage functions the gateway lists. */
  private static List<String> listed(String stream) throws Exception {
    JsonNode functions =
        call(
                client,
                "engine::functions::list",
                "{\"prefix\":\"stream::\",\"include_internal\":true}")
            .get("functions");
    List<String> ids = new ArrayList<>();
    for (JsonNode row : functions.values()) {
      String id = row.get("function_id").getStringValue();
      if (id.endsWith("(" + stream + ")")) {
        ids.add(id);
      }
    }
    return ids;
  }

  @Test
  void aFailingCustomSetAnswersStreamSetError() throws Exception {
    String s = unique("custom-fail");
    EngineWorker provider = stack.gateway().worker("custom-failing");
    provider.registerFunction(
        "stream::set(" + s + ")",
        FunctionHandler.sync(
            in -> {
              throw new FunctionException("DISK_FULL", "no space");
            }));
    provider.registerFunction("stream::delete(" + s + ")", FunctionHandler.sync(in -> null));
    provider.start().get(10, TimeUnit.SECONDS);
    try {
      WorkerException.Remote set = error(client, "stream::set", item(s, "g", "i", "\"data\":1"));
      assertThat(set.code()).isEqualTo("STREAM_SET_ERROR");
      assertThat(set.getMessage())
          .isEqualTo("Failed to set value: Failed to invoke function: DISK_FULL: no space");
      WorkerException.Remote delete = error(client, "stream::delete", item(s, "g", "i"));
      assertThat(delete.code()).isEqualTo("STREAM_DELETE_ERROR");
      assertThat(delete.getMessage())
          .isEqualTo("Failed to delete value: Function returned no result");
    } finally {
      provider.close();
    }
  }

  @Test
  void itemsAreReadableWithPsqlInTheirOwnSchema() throws Exception {
    String s = unique("psql");
    call(client, "stream::set", item(s, "g", "i", "\"data\":{\"k\":\"v\"}"));
    assertThat(
            count(
                "SELECT count(*) FROM iii_stream.item WHERE stream_name = '"
                    + s
                    + "' AND value = '{\"k\":\"v\"}'::jsonb"))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM iii_stream.flyway_schema_history WHERE success AND version ="
                    + " '1'"))
        .isEqualTo(1);
    assertThat(
            count("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"))
        .isZero();
  }

  private static void assertDeserialization(String function, String json, String detail)
      throws Exception {
    WorkerException.Remote e = error(client, function, json);
    assertThat(e.code()).isEqualTo("deserialization_error");
    assertThat(e.getMessage())
        .isEqualTo("Failed to deserialize input for " + function + ": " + detail);
  }

  private static String key(JsonNode in) {
    return in.get("group_id").getStringValue() + "/" + in.get("item_id").getStringValue();
  }

  static long count(String sql) throws Exception {
    try (Connection c = PostgresFixture.instance().dataSource(db).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

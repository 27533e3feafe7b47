package dev.iii4j.stream;

import static dev.iii4j.stream.Items.item;
import static dev.iii4j.testing.Calls.call;
import static dev.iii4j.testing.Calls.unique;
import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.Invocation;
import dev.iii4j.sdk.TraceContext;
import dev.iii4j.sdk.TriggerRef;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.stream.functions.StreamTriggers;
import dev.iii4j.testing.Calls;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceWithClient;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code stream} trigger type: payload, metadata, filters, conditions, rejections. */
class StreamTriggersTest {
  private static ServiceWithClient stack;
  private static EngineWorker client;

  @BeforeAll
  static void start() throws Exception {
    String db = PostgresFixture.instance().createDatabase("stream_triggers");
    stack = StreamServiceInstance.withClient(db, "stream-triggers-client");
    client = stack.client();
  }

  @AfterAll
  static void stop() {
    ServiceWithClient.close(stack);
  }

  /** A worker with a recording function bound by a stream trigger. */
  private record Recorder(
      EngineWorker worker, TriggerRef trigger, List<JsonNode> payloads, List<JsonNode> metadata)
      implements AutoCloseable {
    @Override
    public void close() {
      trigger.unregister();
      worker.close();
    }
  }

  private static Recorder record(String config, String metadataJson) throws Exception {
    String fn = unique("test::stream-trigger");
    List<JsonNode> payloads = new CopyOnWriteArrayList<>();
    List<JsonNode> metadata = new CopyOnWriteArrayList<>();
    EngineWorker worker = stack.gateway().worker(unique("recorder"));
    worker.registerFunction(
        fn,
        invocation -> {
          payloads.add(Calls.stripCaller(SerdeTrees.serde(invocation.data())));
          metadata.add(
              SerdeTrees.serde(invocation.metadata()) == null
                  ? JsonNode.nullNode()
                  : SerdeTrees.serde(invocation.metadata()));
          return java.util.concurrent.CompletableFuture.completedFuture(null);
        });
    TriggerRef trigger =
        worker.registerTrigger(
            StreamTriggers.TYPE,
            fn,
            SerdeTrees.sdk(JsonText.parse(config)),
            metadataJson == null ? null : SerdeTrees.sdk(JsonText.parse(metadataJson)));
    worker.start().get(10, TimeUnit.SECONDS);
    StreamTriggers triggers = stack.service().getBean(StreamTriggers.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> triggers.table().binding(trigger.id()).isPresent());
    return new Recorder(worker, trigger, payloads, metadata);
  }

  @Test
  void aTriggerReceivesEveryChangeOfItsStreamAsTheClientMessageWithItsMetadata() throws Exception {
    String s = unique("fired");
    try (Recorder r = record("{\"stream_name\":\"" + s + "\"}", "{\"team\":\"blue\"}")) {
      call(client, "stream::set", item(s, "g", "i", "\"data\":{\"v\":1}"));
      call(client, "stream::set", item(s, "g", "i", "\"data\":{\"v\":2}"));
      call(client, "stream::delete", item(s, "g", "i"));
      call(client, "stream::delete", item(s, "g", "i"));
      call(
          client,
          "stream::send",
          "{\"stream_name\":\"" + s + "\",\"group_id\":\"g\",\"type\":\"hello\",\"data\":[1]}");
      call(client, "stream::set", item("another-" + s, "g", "i", "\"data\":1"));
      await().atMost(Duration.ofSeconds(10)).until(() -> r.payloads().size() >= 4);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(3))
          .until(() -> r.payloads().size() == 4);
      // The events of one item arrive in commit order; the group-wide send has its own order.
      List<JsonNode> ofItem = r.payloads().stream().filter(p -> !p.get("id").isNull()).toList();
      List<JsonNode> groupWide = r.payloads().stream().filter(p -> p.get("id").isNull()).toList();
      assertThat(ofItem).hasSize(3);
      assertThatJson(JsonText.write(ofItem.get(0)))
          .whenIgnoringPaths("timestamp")
          .isEqualTo(
              "{\"type\":\"stream\",\"timestamp\":0,\"streamName\":\""
                  + s
                  + "\",\"groupId\":\"g\",\"id\":\"i\",\"event\":{\"type\":\"create\",\"data\":{\"v\":1}}}");
      assertThatJson(JsonText.write(ofItem.get(1).get("event")))
          .isEqualTo("{\"type\":\"update\",\"data\":{\"v\":2}}");
      assertThatJson(JsonText.write(ofItem.get(2).get("event")))
          .isEqualTo("{\"type\":\"delete\",\"data\":{\"v\":2}}");
      assertThat(groupWide).hasSize(1);
      assertThatJson(JsonText.write(groupWide.get(0).get("event")))
          .isEqualTo("{\"type\":\"event\",\"event\":{\"type\":\"hello\",\"data\":[1]}}");
      assertThat(r.metadata())
          .allSatisfy(m -> assertThat(JsonText.write(m)).isEqualTo("{\"team\":\"blue\"}"));
    }
  }

  @Test
  void groupAndItemFiltersMatchExactlyAndEmptyFiltersMatchEverything() throws Exception {
    String s = unique("filters");
    try (Recorder group = record("{\"stream_name\":\"" + s + "\",\"group_id\":\"a\"}", null);
        Recorder itemOnly =
            record("{\"stream_name\":\"" + s + "\",\"group_id\":\"a\",\"item_id\":\"x\"}", null);
        Recorder empty =
            record(
                "{\"stream_name\":\"" + s + "\",\"group_id\":\"\",\"item_id\":\"\",\"other\":1}",
                null)) {
      call(client, "stream::set", item(s, "a", "x", "\"data\":1"));
      call(client, "stream::set", item(s, "a", "y", "\"data\":2"));
      call(client, "stream::set", item(s, "b", "x", "\"data\":3"));
      call(
          client,
          "stream::send",
          "{\"stream_name\":\"" + s + "\",\"group_id\":\"a\",\"type\":\"t\",\"data\":4}");
      await().atMost(Duration.ofSeconds(10)).until(() -> empty.payloads().size() == 4);
      await().atMost(Duration.ofSeconds(10)).until(() -> group.payloads().size() == 3);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(3))
          .until(() -> itemOnly.payloads().size() == 1 && group.payloads().size() == 3);
      assertThat(itemOnly.payloads().get(0).get("id").getStringValue()).isEqualTo("x");
      assertThat(itemOnly.payloads().get(0).get("groupId").getStringValue()).isEqualTo("a");
    }
  }

  @Test
  void aConditionFunctionGatesTheHandlerAndGetsThePayload() throws Exception {
    String s = unique("cond");
    List<JsonNode> asked = new CopyOnWriteArrayList<>();
    EngineWorker conditions = stack.gateway().worker("conditions");
    conditions.registerFunction(
        "test::only-big",
        FunctionHandler.sync(
            payload -> {
              asked.add(Calls.stripCaller(SerdeTrees.serde(payload)));
              return SerdeTrees.sdk(
                  JsonNode.createBooleanNode(payload.get("event").get("data").intValue() > 10));
            }));
    conditions.start().get(10, TimeUnit.SECONDS);
    try (Recorder r =
        record(
            "{\"stream_name\":\"" + s + "\",\"condition_function_id\":\"test::only-big\"}",
            "{\"m\":1}")) {
      call(client, "stream::set", item(s, "g", "small", "\"data\":5"));
      call(client, "stream::set", item(s, "g", "big", "\"data\":50"));
      await().atMost(Duration.ofSeconds(10)).until(() -> asked.size() == 2);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(3))
          .until(() -> r.payloads().size() == 1);
      assertThat(r.payloads().get(0).get("id").getStringValue()).isEqualTo("big");
      assertThat(asked.get(0).get("streamName").getStringValue()).isEqualTo(s);
    } finally {
      conditions.close();
    }
  }

  @Test
  void aTriggerWithoutStreamNameOrWithAWrongTypeIsRejected() throws Exception {
    StreamTriggers triggers = stack.service().getBean(StreamTriggers.class);
    assertThat(
            triggers
                .table()
                .registerTrigger(
                    new dev.iii4j.sdk.TriggerBinding(
                        "t1",
                        "stream",
                        "fn",
                        SerdeTrees.sdk(JsonText.parse("{\"group_id\":\"g\"}")),
                        null))
                .toCompletableFuture())
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableThat()
        .withMessageContaining("Failed to deserialize stream trigger: missing field `stream_name`");
    assertThat(
            triggers
                .table()
                .registerTrigger(
                    new dev.iii4j.sdk.TriggerBinding(
                        "t2",
                        "stream",
                        "fn",
                        SerdeTrees.sdk(JsonText.parse("{\"stream_name\":\"s\",\"item_id\":7}")),
                        null))
                .toCompletableFuture())
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableThat()
        .withMessageContaining(
            "Failed to deserialize stream trigger: invalid type: integer `7`, expected a string at"
                + " `item_id`");
    assertThat(triggers.table().bindings())
        .noneMatch(b -> b.id().equals("t1") || b.id().equals("t2"));
  }

  @Test
  void eventsOfAnUnreachableTargetWaitInTheOutboxAndAreDeliveredWhenItComesBack() throws Exception {
    String s = unique("later");
    String fn = unique("test::later");
    EngineWorker binder = stack.gateway().worker("binder");
    binder.start().get(10, TimeUnit.SECONDS);
    // Bound through engine::register_trigger so the binding outlives its function's worker.
    call(
        binder,
        "engine::register_trigger",
        "{\"trigger_type\":\"stream\",\"function_id\":\""
            + fn
            + "\",\"config\":{\"stream_name\":\""
            + s
            + "\"}}");
    StreamTriggers triggers = stack.service().getBean(StreamTriggers.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> !triggers.matching(s, "g", "i").isEmpty());
    call(client, "stream::set", item(s, "g", "i", "\"data\":1"));
    call(client, "stream::set", item(s, "g", "i", "\"data\":2"));
    StreamStore store = stack.service().getBean(StreamStore.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.undelivered() == 2);
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    EngineWorker late = stack.gateway().worker("late");
    late.registerFunction(
        fn,
        FunctionHandler.sync(
            p -> {
              received.add(SerdeTrees.serde(p.get("event").get("data")));
              return null;
            }));
    late.start().get(10, TimeUnit.SECONDS);
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
      assertThat(received.stream().map(JsonNode::getIntValue)).containsExactly(1, 2);
      await().atMost(Duration.ofSeconds(5)).until(() -> store.undelivered() == 0);
    } finally {
      late.close();
      binder.close();
    }
  }

  @Test
  void triggerCallsContinueTheTraceOfTheWriteThatCausedThem() throws Exception {
    String s = unique("traced");
    String fn = unique("test::stream-traced");
    List<Invocation> received = new CopyOnWriteArrayList<>();
    EngineWorker worker = stack.gateway().worker(unique("traced"));
    worker.registerFunction(
        fn,
        invocation -> {
          received.add(invocation);
          return java.util.concurrent.CompletableFuture.completedFuture(null);
        });
    TriggerRef trigger =
        worker.registerTrigger(
            StreamTriggers.TYPE,
            fn,
            SerdeTrees.sdk(JsonText.parse("{\"stream_name\":\"" + s + "\"}")),
            null);
    try {
      worker.start().get(10, TimeUnit.SECONDS);
      StreamTriggers triggers = stack.service().getBean(StreamTriggers.class);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> triggers.table().binding(trigger.id()).isPresent());
      List<String> writes = List.of("stream::set", "stream::update", "stream::send");
      List<String> parents = writes.stream().map(w -> TraceContext.newTraceparent()).toList();
      String[] requests = {
        item(s, "g", "i", "\"data\":{\"v\":1}"),
        item(s, "g", "i", "\"ops\":[{\"type\":\"set\",\"path\":\"v\",\"value\":2}]"),
        "{\"stream_name\":\"" + s + "\",\"group_id\":\"g\",\"type\":\"hi\",\"data\":1}"
      };
      for (int i = 0; i < writes.size(); i++) {
        client
            .call(
                writes.get(i),
                SerdeTrees.sdk(JsonText.parse(requests[i])),
                CallOptions.defaults().withTraceparent(parents.get(i)).withBaggage("n=" + i))
            .get(10, TimeUnit.SECONDS);
      }

      await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
      // One item's events arrive in commit order; the group-wide send may come first.
      assertThat(received.stream().map(r -> TraceContext.traceId(r.traceparent())))
          .containsExactlyInAnyOrderElementsOf(
              parents.stream().map(TraceContext::traceId).toList());
      for (Invocation r : received) {
        int n = Integer.parseInt(r.baggage().substring(2));
        assertThat(TraceContext.traceId(r.traceparent()))
            .isEqualTo(TraceContext.traceId(parents.get(n)));
      }
    } finally {
      trigger.unregister();
      worker.close();
    }
  }
}

package dev.iii4j.state;

import static dev.iii4j.state.StateFunctionsTest.key;
import static dev.iii4j.state.StateFunctionsTest.set;
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
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.state.functions.StateTriggers;
import dev.iii4j.testing.Calls;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceWithClient;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code state} trigger type: events, filters, conditions, metadata, retries. */
class StateEventsTest {
  private static ServiceWithClient stack;
  private static EngineWorker client;

  @BeforeAll
  static void start() throws Exception {
    String db = PostgresFixture.instance().createDatabase("state_events");
    stack = StateServiceInstance.withClient(db, "state-events-client");
    client = stack.client();
  }

  @AfterAll
  static void stop() {
    ServiceWithClient.close(stack);
  }

  private static List<JsonNode> subscribe(
      EngineWorker worker, String config, String scope, String key) {
    return subscribe(worker, stack.service(), config, scope, key);
  }

  /**
   * Registers a recording handler and a state trigger on {@code worker}, and waits until {@code
   * service} holds it (it matches a change of {@code scope}/{@code key}).
   */
  static List<JsonNode> subscribe(
      EngineWorker worker, ApplicationContext service, String config, String scope, String key) {
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    String fn = unique("test::on-change");
    worker.registerFunction(
        fn,
        FunctionHandler.sync(
            payload -> {
              received.add(Calls.stripCaller(SerdeTrees.serde(payload)));
              return null;
            }));
    worker.registerTrigger("state", fn, SerdeTrees.sdk(JsonText.parse(config)));
    awaitBinding(service, scope, key, fn);
    return received;
  }

  static void awaitBinding(ApplicationContext context, String scope, String key, String fn) {
    StateTriggers triggers = context.getBean(StateTriggers.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> triggers.matching(scope, key).stream().anyMatch(t -> t.functionId().equals(fn)));
  }

  @Test
  void createUpdateAndDeleteEventsCarryOldAndNewValuesInCommitOrder() throws Exception {
    String scope = unique("users");
    List<JsonNode> events = subscribe(client, "{\"scope\":\"" + scope + "\"}", scope, "u1");
    long started = System.nanoTime();
    call(client, "state::set", set(scope, "u1", "{\"n\":1}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
    System.out.println(
        "MEASURE first event delivered "
            + (System.nanoTime() - started) / 1_000_000
            + " ms after set was called");
    call(client, "state::set", set(scope, "u1", "{\"n\":2}"));
    call(
        client,
        "state::update",
        StateFunctionsTest.update(
            scope, "u1", "[{\"type\":\"increment\",\"path\":\"n\",\"by\":1}]"));
    call(client, "state::delete", key(scope, "u1"));
    call(client, "state::delete", key(scope, "u1"));
    call(client, "state::set", set(scope, "n", "null"));
    call(client, "state::set", set(scope, "n", "null"));
    call(client, "state::get", key(scope, "u1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 7);
    // Events are ordered per key (commit order), not across keys: u1's five, then n's two.
    List<String> json =
        java.util.stream.Stream.concat(
                events.stream().filter(e -> e.get("key").getStringValue().equals("u1")),
                events.stream().filter(e -> e.get("key").getStringValue().equals("n")))
            .map(JsonText::write)
            .toList();
    String prefix = "{\"type\":\"state\",\"scope\":\"" + scope + "\",";
    assertThatJson(json.get(0))
        .isEqualTo(
            prefix
                + "\"event_type\":\"state:created\",\"key\":\"u1\",\"old_value\":null,"
                + "\"new_value\":{\"n\":1}}");
    assertThatJson(json.get(1))
        .isEqualTo(
            prefix
                + "\"event_type\":\"state:updated\",\"key\":\"u1\",\"old_value\":{\"n\":1},"
                + "\"new_value\":{\"n\":2}}");
    assertThatJson(json.get(2))
        .isEqualTo(
            prefix
                + "\"event_type\":\"state:updated\",\"key\":\"u1\",\"old_value\":{\"n\":2},"
                + "\"new_value\":{\"n\":3}}");
    assertThatJson(json.get(3))
        .isEqualTo(
            prefix
                + "\"event_type\":\"state:deleted\",\"key\":\"u1\",\"old_value\":{\"n\":3},"
                + "\"new_value\":null}");
    assertThatJson(json.get(4))
        .isEqualTo(
            prefix
                + "\"event_type\":\"state:deleted\",\"key\":\"u1\",\"old_value\":null,"
                + "\"new_value\":null}");
    assertThatJson(json.get(5))
        .isEqualTo(
            prefix
                + "\"event_type\":\"state:created\",\"key\":\"n\",\"old_value\":null,"
                + "\"new_value\":null}");
    assertThatJson(json.get(6))
        .isEqualTo(
            prefix
                + "\"event_type\":\"state:updated\",\"key\":\"n\",\"old_value\":null,"
                + "\"new_value\":null}");
    await()
        .during(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(2))
        .until(() -> events.size() == 7);
  }

  @Test
  void filtersMatchScopeAndKeyExactly() throws Exception {
    String scope = unique("filter");
    List<JsonNode> events =
        subscribe(client, "{\"scope\":\"" + scope + "\",\"key\":\"only\"}", scope, "only");
    call(client, "state::set", set(scope, "other", "1"));
    call(client, "state::set", set(scope + "x", "only", "1"));
    call(client, "state::set", set(scope, "only", "2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
    assertThat(events.get(0).get("new_value").getLongValue()).isEqualTo(2);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> events.size() == 1);
  }

  @Test
  void aConditionReturningFalseSkipsTheHandlerAndMetadataIsDelivered() throws Exception {
    String scope = unique("cond");
    String condition = unique("test::big-only");
    List<JsonNode> conditionInputs = new CopyOnWriteArrayList<>();
    client.registerFunction(
        condition,
        FunctionHandler.sync(
            payload -> {
              conditionInputs.add(SerdeTrees.serde(payload));
              return SerdeTrees.sdk(
                  JsonNode.createBooleanNode(payload.get("new_value").longValue() >= 10));
            }));
    List<JsonNode> metadata = new CopyOnWriteArrayList<>();
    List<JsonNode> values = new CopyOnWriteArrayList<>();
    String fn = unique("test::on-big");
    client.registerFunction(
        fn,
        invocation -> {
          values.add(SerdeTrees.serde(invocation.data()).get("new_value"));
          metadata.add(SerdeTrees.serde(invocation.metadata()));
          return CompletableFuture.completedFuture(null);
        });
    client.registerTrigger(
        "state",
        fn,
        SerdeTrees.sdk(
            JsonText.parse(
                "{\"scope\":\"" + scope + "\",\"condition_function_id\":\"" + condition + "\"}")),
        SerdeTrees.sdk(JsonText.parse("{\"team\":\"blue\"}")));
    awaitBinding(stack.service(), scope, "k", fn);
    call(client, "state::set", set(scope, "k", "5"));
    call(client, "state::set", set(scope, "k", "50"));
    await().atMost(Duration.ofSeconds(10)).until(() -> values.size() == 1);
    assertThat(values.get(0).getLongValue()).isEqualTo(50);
    assertThatJson(JsonText.write(metadata.get(0))).isEqualTo("{\"team\":\"blue\"}");
    assertThat(conditionInputs).hasSize(2);
    assertThat(conditionInputs.get(0).get("event_type").getStringValue())
        .isEqualTo("state:created");
  }

  @Test
  void aTriggerConfigOfTheWrongTypeIsRejected() {
    StateTriggers triggers = stack.service().getBean(StateTriggers.class);
    CompletableFuture<Void> registration =
        triggers
            .table()
            .registerTrigger(
                new TriggerBinding(
                    unique("t"),
                    "state",
                    "f",
                    SerdeTrees.sdk(JsonText.parse("{\"scope\":5}")),
                    null))
            .toCompletableFuture();
    assertThat(registration)
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .withMessage(
            "Failed to parse trigger config: invalid type: integer `5`, expected a string at"
                + " `scope`");
  }

  @Test
  void anUnreachableTargetIsRetriedUntilItsFunctionRegisters() throws Exception {
    String scope = unique("retry");
    String fn = unique("test::late");
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    // The trigger is bound now; the function's worker connects only later.
    client.registerTrigger(
        "state", fn, SerdeTrees.sdk(JsonText.parse("{\"scope\":\"" + scope + "\"}")));
    awaitBinding(stack.service(), scope, "k", fn);
    call(client, "state::set", set(scope, "k", "\"v\""));
    StateStore store = stack.service().getBean(StateStore.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.undelivered() >= 1);
    EngineWorker late = stack.gateway().worker("late-worker");
    late.registerFunction(
        fn,
        FunctionHandler.sync(
            payload -> {
              received.add(SerdeTrees.serde(payload));
              return null;
            }));
    late.start().get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
    assertThat(received.get(0).get("new_value").getStringValue()).isEqualTo("v");
    await()
        .during(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(2))
        .until(() -> received.size() == 1);
  }

  @Test
  void triggerCallsContinueTheTraceOfTheWriteThatCausedThem() throws Exception {
    String scope = unique("traced");
    String fn = unique("test::traced");
    List<Invocation> received = new CopyOnWriteArrayList<>();
    client.registerFunction(
        fn,
        invocation -> {
          received.add(invocation);
          return CompletableFuture.completedFuture(null);
        });
    client.registerTrigger(
        "state", fn, SerdeTrees.sdk(JsonText.parse("{\"scope\":\"" + scope + "\"}")));
    awaitBinding(stack.service(), scope, "k", fn);
    String set = TraceContext.newTraceparent();
    String update = TraceContext.newTraceparent();
    String delete = TraceContext.newTraceparent();

    client
        .call(
            "state::set",
            SerdeTrees.sdk(JsonText.parse(set(scope, "k", "1"))),
            traced(set, "from=set"))
        .get(10, TimeUnit.SECONDS);
    client
        .call(
            "state::update",
            SerdeTrees.sdk(
                JsonText.parse(
                    StateFunctionsTest.update(
                        scope, "k", "[{\"type\":\"increment\",\"path\":\"\",\"by\":1}]"))),
            traced(update, "from=update"))
        .get(10, TimeUnit.SECONDS);
    client
        .call(
            "state::delete",
            SerdeTrees.sdk(JsonText.parse(key(scope, "k"))),
            traced(delete, "from=delete"))
        .get(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
    List<String> traces =
        received.stream().map(i -> TraceContext.traceId(i.traceparent())).toList();
    assertThat(traces)
        .containsExactly(
            TraceContext.traceId(set), TraceContext.traceId(update), TraceContext.traceId(delete));
    assertThat(received.stream().map(Invocation::baggage))
        .containsExactly("from=set", "from=update", "from=delete");
  }

  private static CallOptions traced(String traceparent, String baggage) {
    return CallOptions.defaults().withTraceparent(traceparent).withBaggage(baggage);
  }
}

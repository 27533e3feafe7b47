package dev.iii4j.gateway;

import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.Message;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.annotation.Nullable;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code *::info} introspection functions, function-path trigger registration and {@code
 * engine::baggage::*}, asserted on the wire against a real gateway (spec 4.4).
 */
class EngineIntrospectionTest {
  static ApplicationContext context;
  static int port;

  @BeforeAll
  static void start() {
    // The acknowledgement wait keeps its 10 s default here: longer than RawWorker's 5 s window, so
    // a register_trigger answer that arrives at all proves the provider's answer ended the wait.
    context = TestGateway.run(Map.of());
    port = TestGateway.port(context);
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static JsonNode json(String text) {
    return RawWorker.CODEC.parseTree(text);
  }

  /** Sends a synchronous call and returns its answer. */
  static Message.InvocationResult call(RawWorker worker, String functionId, String data) {
    return call(worker, functionId, data, null);
  }

  static Message.InvocationResult call(
      RawWorker worker, String functionId, String data, @Nullable String baggage) {
    String id = UUID.randomUUID().toString();
    worker.send(Message.InvokeFunction.of(id, functionId, json(data), null, baggage, null, null));
    return worker.next(Message.InvocationResult.class, r -> r.invocationId().equals(id));
  }

  /** The result of a call that must succeed, as JSON text. */
  static String ok(RawWorker worker, String functionId, String data) {
    Message.InvocationResult result = call(worker, functionId, data);
    assertThat(result.error()).as("error of %s %s", functionId, data).isNull();
    return RawWorker.CODEC.writeJson(result.result());
  }

  /** The error of a call that must fail. */
  static ErrorBody failure(RawWorker worker, String functionId, String data) {
    Message.InvocationResult result = call(worker, functionId, data);
    assertThat(result.error()).as("error of %s %s", functionId, data).isNotNull();
    return result.error();
  }

  /** Reports a name and pid for the worker and waits until the gateway applied them. */
  static void describe(RawWorker worker, String name) {
    ok(
        worker,
        "engine::workers::register",
        "{\"runtime\":\"java\",\"version\":\"1.0\",\"name\":\"" + name + "\",\"pid\":4242}");
  }

  @Test
  void functionInfoReturnsTheDetailItselfWithTheLiveTriggers() {
    String app = unique("orders");
    String fn = app + "::create";
    String bare = app + "::bare";
    String topic = unique("topic");
    try (RawWorker worker = RawWorker.connect(port)) {
      worker.send(
          new Message.RegisterFunction(
              fn,
              "Creates an order",
              json("{\"type\":\"object\"}"),
              json("{\"type\":\"string\"}"),
              json("{\"public\":true}"),
              null));
      worker.send(new Message.RegisterFunction(bare));
      String triggerId = UUID.randomUUID().toString();
      worker.send(
          new Message.RegisterTrigger(
              triggerId, "subscribe", fn, json("{\"topic\":\"" + topic + "\"}"), null));
      worker.send(
          new Message.RegisterTrigger(
              UUID.randomUUID().toString(), unique("nobody-provides"), fn, json("{}"), null));
      worker.sync();

      assertThatJson(ok(worker, "engine::functions::info", "{\"function_id\":\"" + fn + "\"}"))
          .isEqualTo(
              """
              {"function_id":"%s","worker_name":"%s","description":"Creates an order",
               "request_schema":{"type":"object"},"response_schema":{"type":"string"},
               "metadata":{"public":true},
               "registered_triggers":[{"id":"%s","trigger_type":"subscribe","config":{"topic":"%s"}}]}
              """
                  .formatted(fn, app, triggerId, topic));
      assertThatJson(ok(worker, "engine::functions::info", "{\"function_id\":\"" + bare + "\"}"))
          .isEqualTo(
              "{\"function_id\":\"%s\",\"worker_name\":\"%s\",\"registered_triggers\":[]}"
                  .formatted(bare, app));
      assertThatJson(
              ok(
                  worker,
                  "engine::functions::info",
                  "{\"function_id\":\"engine::functions::info\",\"function_ids\":null}"))
          .isEqualTo(
              """
              {"function_id":"engine::functions::info","worker_name":"iii-engine-functions",
               "description":"Inspect functions: schemas, owner, and registered triggers",
               "registered_triggers":[]}
              """);
    }
  }

  @Test
  void functionInfoBatchAnswersOncePerDistinctIdInRequestOrder() {
    String app = unique("batch");
    String fn = app + "::one";
    String missing = app + "::missing";
    try (RawWorker worker = RawWorker.connect(port)) {
      worker.send(new Message.RegisterFunction(fn));
      worker.sync();
      String data = "{\"function_ids\":[\"%s\",\"%s\",\"%s\"]}".formatted(missing, fn, missing);
      assertThatJson(ok(worker, "engine::functions::info", data))
          .isEqualTo(
              """
              {"functions":[{"function_id":"%s","error":"not_found"},
                {"function_id":"%s","worker_name":"%s","registered_triggers":[]}]}
              """
                  .formatted(missing, fn, app));
    }
  }

  @Test
  void functionInfoRejectsBadArgumentsAndUnknownIds() {
    String info = "engine::functions::info";
    String tooMany =
        IntStream.rangeClosed(1, 33)
            .mapToObj(i -> "\"f::" + i + "\"")
            .collect(Collectors.joining(",", "{\"function_ids\":[", "]}"));
    String thirtyTwo =
        IntStream.rangeClosed(1, 33)
            .mapToObj(i -> "\"f::" + Math.min(i, 32) + "\"")
            .collect(Collectors.joining(",", "{\"function_ids\":[", "]}"));
    try (RawWorker worker = RawWorker.connect(port)) {
      assertThat(failure(worker, info, "{\"function_id\":\"a::b\",\"function_ids\":[\"a::b\"]}"))
          .isEqualTo(
              new ErrorBody(
                  "INVALID_ARGUMENTS", "pass either `function_id` or `function_ids`, not both"));
      assertThat(failure(worker, info, "{}"))
          .isEqualTo(
              new ErrorBody(
                  "INVALID_ARGUMENTS",
                  "missing field `function_id` (or `function_ids` for a batch)"));
      assertThat(failure(worker, info, "{\"function_ids\":[]}"))
          .isEqualTo(
              new ErrorBody(
                  "INVALID_ARGUMENTS", "`function_ids` must be a non-empty array of function ids"));
      assertThat(failure(worker, info, tooMany))
          .isEqualTo(new ErrorBody("INVALID_ARGUMENTS", "too many function_ids (max 32)"));
      assertThatJson(ok(worker, info, thirtyTwo)).inPath("$.functions").isArray().hasSize(32);
      assertThat(failure(worker, info, "{\"function_id\":\"nope::missing\"}"))
          .isEqualTo(new ErrorBody("NOT_FOUND", "Function 'nope::missing' is not registered."));
      assertThat(failure(worker, info, "null").code()).isEqualTo("deserialization_error");
      assertThat(failure(worker, info, "{\"function_ids\":\"a::b\"}"))
          .isEqualTo(
              new ErrorBody(
                  "deserialization_error",
                  "Failed to deserialize input for engine::functions::info: invalid type for"
                      + " `function_ids`: string, expected a sequence"));
    }
  }

  @Test
  void triggerTypeInfoShowsTheProvidersSchemasAndCountsOnlyLiveTriggers() {
    String type = unique("webhook");
    String plain = unique("plain");
    try (RawWorker provider = RawWorker.connect(port);
        RawWorker consumer = RawWorker.connect(port)) {
      String providerName = unique("hooks");
      describe(provider, providerName);
      provider.send(
          new Message.RegisterTriggerType(
              type,
              "Inbound webhooks",
              json("{\"type\":\"object\",\"required\":[\"path\"]}"),
              json("{\"type\":\"object\"}")));
      provider.send(new Message.RegisterTriggerType(plain, "Plain"));
      provider.sync();
      String accepted = UUID.randomUUID().toString();
      String rejected = UUID.randomUUID().toString();
      consumer.send(new Message.RegisterTrigger(accepted, type, "f::a", json("{}"), null));
      consumer.send(new Message.RegisterTrigger(rejected, type, "f::b", json("{}"), null));
      provider.next(Message.RegisterTrigger.class, t -> t.id().equals(rejected));
      provider.send(
          new Message.TriggerRegistrationResult(
              rejected, type, "f::b", new ErrorBody("trigger_registration_failed", "no path")));
      consumer.next(Message.TriggerRegistrationResult.class);

      assertThatJson(ok(consumer, "engine::triggers::info", "{\"id\":\"" + type + "\"}"))
          .isEqualTo(
              """
              {"id":"%s","worker_name":"%s","description":"Inbound webhooks",
               "configuration_schema":{"type":"object","required":["path"]},
               "request_schema":{"type":"object"},"instance_count":1}
              """
                  .formatted(type, providerName));
      assertThatJson(ok(consumer, "engine::triggers::info", "{\"id\":\"" + plain + "\"}"))
          .isEqualTo(
              "{\"id\":\"%s\",\"worker_name\":\"%s\",\"description\":\"Plain\",\"instance_count\":0}"
                  .formatted(plain, providerName));
      assertThatJson(ok(consumer, "engine::triggers::info", "{\"id\":\"subscribe\"}"))
          .isObject()
          .containsEntry("worker_name", "iii-pubsub")
          .doesNotContainKey("configuration_schema")
          .doesNotContainKey("request_schema")
          .containsKey("instance_count");
      assertThat(failure(consumer, "engine::triggers::info", "{\"id\":\"no-such-type\"}"))
          .isEqualTo(new ErrorBody("NOT_FOUND", "Trigger type 'no-such-type' is not registered."));
      assertThat(failure(consumer, "engine::triggers::info", "{}"))
          .isEqualTo(
              new ErrorBody(
                  "deserialization_error",
                  "Failed to deserialize input for engine::triggers::info: missing field `id`"));
    }
  }

  @Test
  void registeredTriggerInfoCombinesTheTriggerItsTypeAndItsFunction() {
    String type = unique("webhook");
    String app = unique("shop");
    String fn = app + "::on-webhook";
    String gone = app + "::gone";
    try (RawWorker provider = RawWorker.connect(port);
        RawWorker worker = RawWorker.connect(port)) {
      provider.send(new Message.RegisterTriggerType(type, "Inbound webhooks"));
      provider.sync();
      worker.send(new Message.RegisterFunction(fn, "Handles webhooks", null, null, null, null));
      String withMetadata = UUID.randomUUID().toString();
      String dangling = UUID.randomUUID().toString();
      worker.send(
          new Message.RegisterTrigger(
              withMetadata,
              type,
              fn,
              json("{\"path\":\"/orders\"}"),
              json("{\"source\":\"crm\"}")));
      worker.send(new Message.RegisterTrigger(dangling, type, gone, null, null));
      worker.sync();

      assertThatJson(
              ok(worker, "engine::registered-triggers::info", "{\"id\":\"" + withMetadata + "\"}"))
          .isEqualTo(
              """
              {"id":"%1$s","trigger_type":"%2$s","function_id":"%3$s","worker_name":"%4$s",
               "config":{"path":"/orders"},"metadata":{"source":"crm"},
               "trigger":{"id":"%2$s","worker_name":"%2$s",
                          "description":"Inbound webhooks","instance_count":2},
               "function":{"function_id":"%3$s","worker_name":"%4$s","description":"Handles webhooks",
                           "registered_triggers":[{"id":"%1$s","trigger_type":"%2$s",
                                                   "config":{"path":"/orders"}}]}}
              """
                  .formatted(withMetadata, type, fn, app));
      assertThatJson(
              ok(worker, "engine::registered-triggers::info", "{\"id\":\"" + dangling + "\"}"))
          .isEqualTo(
              """
              {"id":"%s","trigger_type":"%s","function_id":"%s","worker_name":"%s","config":null,
               "trigger":{"id":"%s","worker_name":"%s",
                          "description":"Inbound webhooks","instance_count":2},
               "function":null}
              """
                  .formatted(dangling, type, gone, app, type, type));

      String parked = UUID.randomUUID().toString();
      worker.send(new Message.RegisterTrigger(parked, unique("missing-type"), fn, null, null));
      worker.sync();
      assertThat(
              failure(worker, "engine::registered-triggers::info", "{\"id\":\"" + parked + "\"}"))
          .isEqualTo(
              new ErrorBody("NOT_FOUND", "Registered trigger '" + parked + "' was not found."));
    }
  }

  @Test
  void workerInfoDescribesAConnectionByItsReportedName() {
    String name = unique("billing");
    String fn = unique("billing") + "::charge";
    String type = unique("invoice-due");
    try (RawWorker worker = RawWorker.connect(port);
        RawWorker other = RawWorker.connect(port)) {
      describe(worker, name);
      worker.send(new Message.RegisterFunction(fn, "Charges a card", null, null, null, null));
      worker.send(new Message.RegisterTriggerType(type, "Invoice due"));
      String triggerId = UUID.randomUUID().toString();
      worker.send(new Message.RegisterTrigger(triggerId, type, fn, json("{\"days\":3}"), null));
      worker.sync();

      assertThatJson(ok(other, "engine::workers::info", "{\"name\":\"" + name + "\"}"))
          .isEqualTo(
              """
              {"worker":{"name":"%1$s","description":null,"version":"1.0","id":"%2$s",
                         "runtime":"java","os":null,"status":"connected","function_count":1,
                         "connected_at_ms":"${json-unit.any-number}","active_invocations":0,
                         "isolation":null,"ip_address":"127.0.0.1","pid":4242,"internal":false},
               "functions":[{"function_id":"%3$s","worker_name":"%1$s","description":"Charges a card"}],
               "trigger_types":[{"id":"%4$s","worker_name":"%1$s","description":"Invoice due"}],
               "registered_triggers":[{"id":"%5$s","trigger_type":"%4$s","function_id":"%3$s",
                                       "worker_name":"%1$s","config":{"days":3},
                                       "config_summary":"{\\"days\\":3}"}]}
              """
                  .formatted(name, worker.workerId, fn, type, triggerId));
      assertThat(failure(other, "engine::workers::info", "{\"name\":\"nobody-here\"}"))
          .isEqualTo(new ErrorBody("NOT_FOUND", "Worker 'nobody-here' is not connected."));
    }
  }

  @Test
  void workerInfoAndListShowTheSameInProcessWorkers() {
    try (RawWorker worker = RawWorker.connect(port)) {
      assertThatJson(ok(worker, "engine::workers::info", "{\"name\":\"iii-pubsub\"}"))
          .isEqualTo(
              """
              {"worker":{"name":"iii-pubsub",
                         "description":"Topic-based publish/subscribe messaging for real-time event distribution.",
                         "version":"0.22.1","id":"iii-pubsub","runtime":"engine","os":null,
                         "status":"available","function_count":1,
                         "connected_at_ms":"${json-unit.any-number}","active_invocations":0,
                         "isolation":"in-process","ip_address":null,"internal":false},
               "functions":[{"function_id":"publish","worker_name":"iii-pubsub",
                             "description":"Publish data to a topic"}],
               "trigger_types":[{"id":"subscribe","worker_name":"iii-pubsub",
                                 "description":"Subscribe to a pub/sub topic"}],
               "registered_triggers":"${json-unit.ignore}"}
              """);
      String engine = ok(worker, "engine::workers::info", "{\"name\":\"iii-engine-functions\"}");
      assertThatJson(engine)
          .inPath("$.worker")
          .isObject()
          .containsEntry("internal", true)
          .containsEntry("function_count", 15)
          .doesNotContainKey("pid");
      assertThatJson(engine)
          .inPath("$.functions[*].function_id")
          .isArray()
          .contains(
              "engine::functions::info",
              "engine::workers::info",
              "engine::register_trigger",
              "engine::unregister_trigger")
          .doesNotContain("publish", "engine::log::info");
      assertThatJson(engine)
          .inPath("$.trigger_types[*].id")
          .isEqualTo("[\"engine::functions-available\",\"engine::workers-available\"]");
      String observability =
          ok(worker, "engine::workers::info", "{\"name\":\"iii-observability\"}");
      assertThatJson(observability).inPath("$.worker.internal").isEqualTo(true);
      assertThatJson(observability)
          .inPath("$.functions[*].function_id")
          .isEqualTo(
              """
              ["engine::baggage::get","engine::baggage::get_all","engine::baggage::set",
               "engine::log::debug","engine::log::error","engine::log::info",
               "engine::log::trace","engine::log::warn"]
              """);
      assertThatJson(ok(worker, "engine::workers::list", "{\"runtime\":\"engine\"}"))
          .inPath("$.workers[*].name")
          .isEqualTo("[\"iii-engine-functions\",\"iii-observability\",\"iii-pubsub\"]");
    }
  }

  @Test
  void registerTriggerWaitsForTheProviderAndTheTriggerOutlivesItsCreator() throws Exception {
    String type = unique("ticker");
    String fn = unique("clock") + "::tick";
    try (RawWorker provider = RawWorker.connect(port);
        RawWorker admin = RawWorker.connect(port)) {
      provider.send(new Message.RegisterTriggerType(type, "Ticks"));
      provider.sync();
      String id;
      String creatorName = unique("creator");
      try (RawWorker creator = RawWorker.connect(port)) {
        describe(creator, creatorName);
        String invocation = UUID.randomUUID().toString();
        creator.send(
            new Message.InvokeFunction(
                invocation,
                "engine::register_trigger",
                json(
                    "{\"trigger_type\":\"%s\",\"function_id\":\"%s\",\"config\":{\"every\":5},\"metadata\":{\"m\":1}}"
                        .formatted(type, fn))));
        var delivered = provider.next(Message.RegisterTrigger.class);
        id = delivered.id();
        assertThat(UUID.fromString(id).version()).isEqualTo(4);
        assertThat(delivered)
            .isEqualTo(
                new Message.RegisterTrigger(
                    id, type, fn, json("{\"every\":5}"), json("{\"m\":1}")));
        assertThat(creator.poll(300)).as("answered before the provider did").isNull();
        provider.send(new Message.TriggerRegistrationResult(id, type, fn, null));
        var answer = creator.next(Message.InvocationResult.class);
        assertThat(answer.invocationId()).isEqualTo(invocation);
        assertThat(answer.error()).isNull();
        assertThatJson(RawWorker.CODEC.writeJson(answer.result()))
            .isEqualTo("{\"id\":\"" + id + "\"}");
      }
      // The worker record goes last in the disconnect cleanup, after its triggers were handled.
      await()
          .atMost(10, TimeUnit.SECONDS)
          .untilAsserted(
              () ->
                  assertThat(
                          failure(
                                  admin,
                                  "engine::workers::info",
                                  "{\"name\":\"" + creatorName + "\"}")
                              .code())
                      .isEqualTo("NOT_FOUND"));
      assertThat(provider.poll(300)).as("the provider was told to drop the trigger").isNull();
      assertThatJson(ok(admin, "engine::registered-triggers::info", "{\"id\":\"" + id + "\"}"))
          .isEqualTo(
              """
              {"id":"%1$s","trigger_type":"%2$s","function_id":"%3$s","worker_name":"%4$s",
               "config":{"every":5},"metadata":{"m":1},
               "trigger":{"id":"%2$s","worker_name":"%2$s","description":"Ticks","instance_count":1},
               "function":null}
              """
                  .formatted(id, type, fn, fn.substring(0, fn.indexOf("::"))));

      assertThatJson(
              ok(
                  admin,
                  "engine::unregister_trigger",
                  "{\"id\":\"%s\",\"trigger_type\":\"%s\"}".formatted(id, type)))
          .isEqualTo("{\"removed\":true}");
      assertThat(provider.next(Message.UnregisterTrigger.class))
          .isEqualTo(new Message.UnregisterTrigger(id, type));
      assertThatJson(ok(admin, "engine::unregister_trigger", "{\"id\":\"" + id + "\"}"))
          .isEqualTo("{\"removed\":false}");
      assertThat(failure(admin, "engine::registered-triggers::info", "{\"id\":\"" + id + "\"}"))
          .isEqualTo(new ErrorBody("NOT_FOUND", "Registered trigger '" + id + "' was not found."));
    }
  }

  @Test
  void registerTriggerFailsWithTheProvidersRejectionAndKeepsNothing() throws Exception {
    String type = unique("strict");
    try (RawWorker provider = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      provider.send(new Message.RegisterTriggerType(type, "Strict"));
      provider.sync();
      String invocation = UUID.randomUUID().toString();
      caller.send(
          new Message.InvokeFunction(
              invocation,
              "engine::register_trigger",
              json("{\"trigger_type\":\"%s\",\"function_id\":\"f::g\"}".formatted(type))));
      var delivered = provider.next(Message.RegisterTrigger.class);
      assertThat(delivered.config()).isNull();
      provider.send(
          new Message.TriggerRegistrationResult(
              delivered.id(),
              type,
              "f::g",
              new ErrorBody("trigger_registration_failed", "path must start with /")));
      var answer = caller.next(Message.InvocationResult.class);
      assertThat(answer.invocationId()).isEqualTo(invocation);
      assertThat(answer.error())
          .isEqualTo(
              new ErrorBody(
                  "trigger_registration_failed",
                  "trigger_registration_failed: path must start with /"));
      assertThat(caller.poll(300))
          .as("no triggerregistrationresult for an owner-less trigger")
          .isNull();
      assertThat(
              failure(
                      caller,
                      "engine::registered-triggers::info",
                      "{\"id\":\"" + delivered.id() + "\"}")
                  .code())
          .isEqualTo("NOT_FOUND");
      assertThatJson(
              ok(caller, "engine::unregister_trigger", "{\"id\":\"" + delivered.id() + "\"}"))
          .isEqualTo("{\"removed\":false}");
      assertThat(provider.poll(300)).isNull();
    }
  }

  @Test
  void registerTriggerParksUntilTheTypeAppearsAndUnregisterDropsParkedTriggers() throws Exception {
    String type = unique("late-type");
    try (RawWorker caller = RawWorker.connect(port)) {
      String kept =
          json(ok(
                  caller,
                  "engine::register_trigger",
                  "{\"trigger_type\":\"%s\",\"function_id\":\"f::kept\",\"config\":{\"k\":1}}"
                      .formatted(type)))
              .get("id")
              .textValue();
      String dropped =
          json(ok(
                  caller,
                  "engine::register_trigger",
                  "{\"trigger_type\":\"%s\",\"function_id\":\"f::dropped\"}".formatted(type)))
              .get("id")
              .textValue();
      assertThat(
              failure(caller, "engine::registered-triggers::info", "{\"id\":\"" + kept + "\"}")
                  .code())
          .isEqualTo("NOT_FOUND");
      assertThatJson(ok(caller, "engine::unregister_trigger", "{\"id\":\"" + dropped + "\"}"))
          .isEqualTo("{\"removed\":true}");
      try (RawWorker provider = RawWorker.connect(port)) {
        provider.send(new Message.RegisterTriggerType(type, "Late"));
        assertThat(provider.next(Message.RegisterTrigger.class))
            .isEqualTo(new Message.RegisterTrigger(kept, type, "f::kept", json("{\"k\":1}"), null));
        assertThat(provider.poll(300)).as("the unregistered trigger is not delivered").isNull();
        assertThatJson(ok(caller, "engine::registered-triggers::info", "{\"id\":\"" + kept + "\"}"))
            .inPath("$.function_id")
            .isEqualTo("\"f::kept\"");
      }
    }
  }

  @Test
  void registerTriggerOnAnInProcessTypeAndBadInput() {
    String topic = unique("topic");
    String fn = unique("listener") + "::on";
    try (RawWorker worker = RawWorker.connect(port)) {
      worker.send(new Message.RegisterFunction(fn));
      worker.sync();
      String id =
          json(ok(
                  worker,
                  "engine::register_trigger",
                  "{\"trigger_type\":\"subscribe\",\"function_id\":\"%s\",\"config\":{\"topic\":\"%s\"}}"
                      .formatted(fn, topic)))
              .get("id")
              .textValue();
      // The fire and the publish result race; wait for the fire only.
      worker.send(
          new Message.InvokeFunction(
              UUID.randomUUID().toString(),
              "publish",
              json("{\"topic\":\"" + topic + "\",\"data\":{\"n\":1}}")));
      var fired = worker.next(Message.InvokeFunction.class, c -> c.functionId().equals(fn));
      assertThatJson(RawWorker.CODEC.writeJson(fired.data())).isEqualTo("{\"n\":1}");
      assertThatJson(ok(worker, "engine::unregister_trigger", "{\"id\":\"" + id + "\"}"))
          .isEqualTo("{\"removed\":true}");
      assertThat(failure(worker, "engine::register_trigger", "{\"trigger_type\":\"subscribe\"}"))
          .isEqualTo(
              new ErrorBody(
                  "deserialization_error",
                  "Failed to deserialize input for engine::register_trigger: missing field"
                      + " `function_id`"));
      assertThat(failure(worker, "engine::unregister_trigger", "{}"))
          .isEqualTo(
              new ErrorBody(
                  "deserialization_error",
                  "Failed to deserialize input for engine::unregister_trigger: missing field `id`"));
    }
  }

  @Test
  void registerTriggerSucceedsWhenTheProviderNeverAnswers() throws Exception {
    try (ApplicationContext quick =
        TestGateway.run(Map.of("engine.gateway.register-trigger-ack-timeout", "300ms"))) {
      int quickPort = TestGateway.port(quick);
      String type = unique("silent");
      try (RawWorker provider = RawWorker.connect(quickPort);
          RawWorker caller = RawWorker.connect(quickPort)) {
        provider.send(new Message.RegisterTriggerType(type, "Silent"));
        provider.sync();
        String answer =
            ok(
                caller,
                "engine::register_trigger",
                "{\"trigger_type\":\"%s\",\"function_id\":\"f::s\"}".formatted(type));
        String id = json(answer).get("id").textValue();
        assertThat(provider.next(Message.RegisterTrigger.class).id()).isEqualTo(id);
        assertThatJson(ok(caller, "engine::triggers::info", "{\"id\":\"" + type + "\"}"))
            .inPath("$.instance_count")
            .isEqualTo(1);
        // A late rejection still parks the trigger, and nobody is told.
        provider.send(
            new Message.TriggerRegistrationResult(
                id, type, "f::s", new ErrorBody("trigger_registration_failed", "late")));
        provider.sync();
        assertThatJson(ok(caller, "engine::triggers::info", "{\"id\":\"" + type + "\"}"))
            .inPath("$.instance_count")
            .isEqualTo(0);
        assertThat(caller.poll(300)).isNull();
      }
    }
  }

  @Test
  void baggageFunctionsReadTheInvocationsBaggage() {
    String baggage = "user.id=123, tenant=acme%20corp;ttl=60,flag,=x,user.id=456";
    try (RawWorker worker = RawWorker.connect(port)) {
      var one = call(worker, "engine::baggage::get", "{\"key\":\"tenant\"}", baggage);
      assertThatJson(RawWorker.CODEC.writeJson(one.result()))
          .isEqualTo("{\"value\":\"acme corp\"}");
      assertThat(one.baggage()).isEqualTo(baggage);
      var repeated = call(worker, "engine::baggage::get", "{\"key\":\"user.id\"}", baggage);
      assertThatJson(RawWorker.CODEC.writeJson(repeated.result())).isEqualTo("{\"value\":\"456\"}");
      var missing = call(worker, "engine::baggage::get", "{\"key\":\"missing\"}", baggage);
      assertThatJson(RawWorker.CODEC.writeJson(missing.result())).isEqualTo("{\"value\":null}");
      var all = call(worker, "engine::baggage::get_all", "{}", baggage);
      assertThatJson(RawWorker.CODEC.writeJson(all.result()))
          .isEqualTo("{\"baggage\":{\"user.id\":\"456\",\"tenant\":\"acme corp\"}}");
      assertThatJson(ok(worker, "engine::baggage::get_all", "{}")).isEqualTo("{\"baggage\":{}}");
      assertThatJson(ok(worker, "engine::baggage::set", "{\"key\":\"user.id\",\"value\":\"789\"}"))
          .isEqualTo(
              """
              {"success":true,
               "note":"Baggage set in new context. For propagation, use SDK-level baggage headers."}
              """);
      var after = call(worker, "engine::baggage::get", "{\"key\":\"user.id\"}", baggage);
      assertThatJson(RawWorker.CODEC.writeJson(after.result())).isEqualTo("{\"value\":\"456\"}");
      assertThat(failure(worker, "engine::baggage::get", "{}"))
          .isEqualTo(
              new ErrorBody(
                  "deserialization_error",
                  "Failed to deserialize input for engine::baggage::get: missing field `key`"));
      assertThat(failure(worker, "engine::baggage::set", "{\"key\":\"k\"}").code())
          .isEqualTo("deserialization_error");
      assertThat(failure(worker, "engine::baggage::get_all", "null").code())
          .isEqualTo("deserialization_error");
    }
  }
}

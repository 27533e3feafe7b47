package dev.iii4j.gateway;

import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.gateway.ws.WorkerListener;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.Message;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionDefinition;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.WorkerOptions;
import io.micronaut.context.ApplicationContext;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A second listener with RBAC: auth function, expose filters, middleware and registration hooks,
 * all implemented by a worker on the main listener (as an operator would).
 */
class RbacListenerTest {
  static ApplicationContext context;
  static int mainPort;
  static int guardedPort;
  static EngineWorker authority;
  static final List<JsonNode> authCalls = new CopyOnWriteArrayList<>();
  static final List<JsonNode> middlewareCalls = new CopyOnWriteArrayList<>();
  static final List<JsonNode> hookCalls = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    context =
        TestGateway.run(
            Map.ofEntries(
                Map.entry("engine.gateway.hook-timeout", "2s"),
                Map.entry("engine.gateway.listeners.guarded.port", 0),
                Map.entry("engine.gateway.listeners.guarded.host", "127.0.0.1"),
                Map.entry("engine.gateway.listeners.guarded.auth-function-id", "rbac::auth"),
                Map.entry(
                    "engine.gateway.listeners.guarded.middleware-function-id", "rbac::middleware"),
                Map.entry(
                    "engine.gateway.listeners.guarded.expose-functions",
                    List.of(
                        "match(\"pub::*\")",
                        "metadata.public=true",
                        "engine::functions::list",
                        "engine::register_trigger")),
                Map.entry(
                    "engine.gateway.listeners.guarded.on-function-registration-function-id",
                    "rbac::on-function"),
                Map.entry(
                    "engine.gateway.listeners.guarded.on-trigger-registration-function-id",
                    "rbac::on-trigger"),
                Map.entry(
                    "engine.gateway.listeners.guarded.on-trigger-type-registration-function-id",
                    "rbac::on-trigger-type")));
    WorkerListener listener = context.getBean(WorkerListener.class);
    mainPort = listener.port();
    guardedPort = listener.port("guarded");
    authority =
        EngineWorker.create(
            WorkerOptions.builder(URI.create("ws://127.0.0.1:" + mainPort + "/"))
                .workerName("authority")
                .reconnectInitialDelay(Duration.ofMillis(50))
                .build());
    authority.registerFunction("rbac::auth", FunctionHandler.sync(RbacListenerTest::auth));
    authority.registerFunction(
        "rbac::middleware",
        invocation -> {
          middlewareCalls.add(invocation.data());
          JsonNode payload = invocation.data().get("payload");
          JsonNode enriched =
              payload != null && payload.isObject()
                  ? Json.with(
                      Json.with(
                          payload,
                          "_intercepted",
                          dev.iii4j.protocol.Json.nodes().booleanNode(true)),
                      "_caller",
                      invocation.data().get("context").get("user_id"))
                  : payload;
          return authority.call(invocation.data().get("function_id").textValue(), enriched);
        });
    authority.registerFunction(
        "rbac::on-function",
        FunctionHandler.sync(
            in -> {
              hookCalls.add(in);
              String id = in.get("function_id").textValue();
              if (id.startsWith("denied::")) {
                return dev.iii4j.protocol.Json.nodes().booleanNode(false);
              }
              if (id.startsWith("rename::")) {
                return json("{\"function_id\":\"" + id.replace("rename::", "renamed::") + "\"}");
              }
              return dev.iii4j.protocol.Json.nodes().booleanNode(true);
            }));
    authority.registerFunction(
        "rbac::on-trigger",
        FunctionHandler.sync(
            in -> {
              hookCalls.add(in);
              return dev.iii4j.protocol.Json.nodes()
                  .booleanNode(!in.get("function_id").textValue().startsWith("denied"));
            }));
    authority.registerFunction(
        "rbac::on-trigger-type",
        FunctionHandler.sync(
            in -> {
              hookCalls.add(in);
              return json("{}");
            }));
    authority.registerFunction("pub::echo", FunctionHandler.sync(in -> in));
    authority.registerFunction("priv::secret", FunctionHandler.sync(in -> json("\"secret\"")));
    authority.registerFunction(
        FunctionDefinition.of("meta::open").withMetadata(json("{\"public\":true}")),
        FunctionHandler.sync(in -> json("\"open by metadata\"")));
    authority.start().get(10, TimeUnit.SECONDS);
    try (RawWorker probe = RawWorker.connect(mainPort)) {
      await()
          .atMost(5, TimeUnit.SECONDS)
          .until(
              () -> {
                String id = UUID.randomUUID().toString();
                probe.send(new Message.InvokeFunction(id, "meta::open", null));
                return probe
                        .next(Message.InvocationResult.class, r -> r.invocationId().equals(id))
                        .error()
                    == null;
              });
    }
  }

  @AfterAll
  static void stop() {
    authority.close();
    context.close();
  }

  static JsonNode json(String text) {
    return RawWorker.CODEC.parseTree(text);
  }

  private static JsonNode auth(JsonNode input) {
    authCalls.add(input);
    JsonNode token = input.get("headers").get("x-test-token");
    if (token == null) {
      return json("{\"context\":{\"user_id\":\"anonymous\"}}");
    }
    return switch (token.textValue()) {
      case "valid-token" ->
          json(
              """
              {"allowed_functions":["priv::secret"],"allow_trigger_type_registration":true,
               "context":{"role":"admin","user_id":"user-1"}}""");
      case "restricted-token" ->
          json("{\"forbidden_functions\":[\"pub::echo\"],\"context\":{\"user_id\":\"user-2\"}}");
      case "tenant-token" ->
          json("{\"function_registration_prefix\":\"tenant1\",\"context\":{\"user_id\":\"t\"}}");
      case "readonly-token" ->
          json(
              "{\"allow_function_registration\":false,\"allowed_trigger_types\":[\"cron\"],\"context\":{}}");
      default -> throw new FunctionException("unauthorized", "invalid token");
    };
  }

  private static RawWorker guarded(String token) {
    return RawWorker.connect(guardedPort, token == null ? Map.of() : Map.of("x-test-token", token));
  }

  private static Message.InvocationResult call(RawWorker worker, String functionId, String data) {
    String id = UUID.randomUUID().toString();
    worker.send(new Message.InvokeFunction(id, functionId, data == null ? null : json(data)));
    return worker.next(Message.InvocationResult.class, r -> r.invocationId().equals(id));
  }

  @Test
  void authSeesTheUpgradeRequestAndItsContextReachesTheMiddleware() {
    authCalls.clear();
    middlewareCalls.clear();
    try (RawWorker worker =
        RawWorker.connect(guardedPort, Map.of("x-test-token", "valid-token", "X-Extra", "yes"))) {
      var result = call(worker, "pub::echo", "{\"msg\":\"hello\"}");
      assertThat(result.error()).isNull();
      assertThatJson(RawWorker.CODEC.writeJson(result.result()))
          .isObject()
          .containsEntry("msg", "hello")
          .containsEntry("_intercepted", true)
          .containsEntry("_caller", "user-1");
      assertThat(authCalls).hasSize(1);
      JsonNode auth = authCalls.get(0);
      assertThat(auth.get("headers").get("x-test-token").textValue()).isEqualTo("valid-token");
      assertThat(auth.get("headers").get("x-extra").textValue()).isEqualTo("yes");
      assertThat(auth.get("ip_address").textValue()).isEqualTo("127.0.0.1");
      assertThat(middlewareCalls).hasSize(1);
      assertThatJson(RawWorker.CODEC.writeJson(middlewareCalls.get(0)))
          .isEqualTo(
              "{\"function_id\":\"pub::echo\",\"payload\":{\"msg\":\"hello\"},\"action\":null,"
                  + "\"context\":{\"role\":\"admin\",\"user_id\":\"user-1\"}}");
    }
  }

  @Test
  void aRefusingAuthFunctionClosesTheConnectionWithAuthError() throws Exception {
    try (RawWorker refused = guarded("stolen-token")) {
      throw new AssertionError("connection was accepted: " + refused.workerId);
    } catch (AssertionError expected) {
      assertThat(expected.getMessage())
          .contains("ErrorFrame")
          .contains("AUTH_ERROR")
          .contains("invalid token");
    }
  }

  @Test
  void exposeFiltersForbiddenAndAllowedListsDecideWhatMayBeCalled() {
    try (RawWorker anonymous = guarded(null);
        RawWorker admin = guarded("valid-token");
        RawWorker restricted = guarded("restricted-token")) {
      assertThat(call(anonymous, "priv::secret", null).error())
          .isEqualTo(
              new ErrorBody(
                  "FORBIDDEN",
                  "function 'priv::secret' not allowed (add to rbac.expose_functions)"));
      assertThat(call(anonymous, "meta::open", null).error()).isNull();
      assertThat(call(anonymous, "pub::echo", "{}").error()).isNull();
      assertThat(call(admin, "priv::secret", null).error()).isNull();
      assertThat(call(restricted, "pub::echo", "{}").error())
          .isEqualTo(
              new ErrorBody(
                  "FORBIDDEN",
                  "function 'pub::echo' not allowed (remove from rbac.forbidden_functions)"));
      var listed = call(anonymous, "engine::functions::list", "{}");
      assertThatJson(RawWorker.CODEC.writeJson(listed.result()))
          .inPath("$.functions[*].function_id")
          .isArray()
          .contains("pub::echo", "meta::open")
          .doesNotContain("priv::secret", "rbac::auth");
    }
  }

  @Test
  void registrationHooksDenyOrRewriteAndPrefixesNamespaceATenant() {
    try (RawWorker admin = guarded("valid-token");
        RawWorker tenant = guarded("tenant-token");
        RawWorker caller = RawWorker.connect(mainPort)) {
      admin.send(new Message.RegisterFunction("denied::blocked"));
      admin.send(new Message.RegisterFunction("rename::me"));
      admin.sync();
      assertThat(call(caller, "denied::blocked", null).error().code())
          .isEqualTo("function_not_found");
      assertThat(call(caller, "rename::me", null).error().code()).isEqualTo("function_not_found");
      String renamedCall = UUID.randomUUID().toString();
      caller.send(new Message.InvokeFunction(renamedCall, "renamed::me", null));
      assertThat(admin.next(Message.InvokeFunction.class).functionId()).isEqualTo("renamed::me");

      tenant.send(new Message.RegisterFunction("orders::list"));
      tenant.sync();
      String id = UUID.randomUUID().toString();
      caller.send(new Message.InvokeFunction(id, "tenant1::orders::list", json("{}")));
      var delivered = tenant.next(Message.InvokeFunction.class);
      assertThat(delivered.functionId()).isEqualTo("orders::list");
      tenant.send(
          Message.InvocationResult.success(delivered.invocationId(), "orders::list", json("[]")));
      assertThat(
              caller.next(Message.InvocationResult.class, r -> r.invocationId().equals(id)).error())
          .isNull();
      assertThat(hookCalls)
          .anyMatch(
              h ->
                  h.get("function_id").textValue().equals("orders::list")
                      && h.get("context").get("user_id").textValue().equals("t"));
    }
  }

  @Test
  void sessionFlagsDropRegistrationsTheyDoNotAllow() {
    String type = "guarded-type-" + UUID.randomUUID();
    try (RawWorker readonly = guarded("readonly-token");
        RawWorker anonymous = guarded(null);
        RawWorker caller = RawWorker.connect(mainPort)) {
      readonly.send(new Message.RegisterFunction("readonly::fn"));
      anonymous.send(new Message.RegisterTriggerType(type, "not allowed by default"));
      readonly.sync();
      anonymous.sync();
      assertThat(call(caller, "readonly::fn", null).error().code()).isEqualTo("function_not_found");
      var types = call(caller, "engine::triggers::list", "{}");
      assertThat(RawWorker.CODEC.writeJson(types.result())).doesNotContain(type);
      assertThat(
              call(
                      readonly,
                      "engine::register_trigger",
                      "{\"trigger_type\":\"subscribe\",\"function_id\":\"x::y\",\"config\":{}}")
                  .error())
          .isEqualTo(
              new ErrorBody(
                  "FORBIDDEN", "Trigger type 'subscribe' is not allowed for this session."));
    }
  }
}

package dev.iii4j.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.testing.GatewayHarness;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java worker SDK end to end against a real gateway: calls, failures, takeover, restart. */
class JavaSdkAgainstGatewayTest {
  private GatewayHarness gateway;

  @BeforeEach
  void start() {
    gateway = GatewayHarness.start();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private EngineWorker worker(String name, boolean service) {
    return service ? gateway.serviceWorker(name) : gateway.worker(name);
  }

  private static String unique(String prefix) {
    return prefix + "::" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonNode text(String value) {
    return dev.iii4j.protocol.Json.nodes().textNode(value);
  }

  /** Calls until the function answers; registrations from another connection land shortly. */
  private static JsonNode callWhenReady(EngineWorker caller, String functionId, JsonNode data) {
    JsonNode[] answer = new JsonNode[1];
    await()
        .atMost(10, TimeUnit.SECONDS)
        .ignoreExceptionsMatching(
            e ->
                e.getCause() instanceof WorkerException.Remote r
                    && r.code().equals("function_not_found"))
        .until(
            () -> {
              answer[0] = caller.call(functionId, data).get(5, TimeUnit.SECONDS);
              return true;
            });
    return answer[0];
  }

  @Test
  void callsAFunctionOfAnotherWorkerAndSeesItsErrors() throws Exception {
    String greet = unique("greeter");
    String fail = unique("failing");
    EngineWorker executor = worker("executor", false);
    executor.registerFunction(
        greet, FunctionHandler.sync(in -> text("Hello, " + in.get("name").textValue())));
    executor.registerFunction(
        fail,
        FunctionHandler.sync(
            in -> {
              throw new IllegalStateException("boom");
            }));
    executor.start().get(10, TimeUnit.SECONDS);
    EngineWorker caller = worker("caller", false);
    caller.start().get(10, TimeUnit.SECONDS);
    JsonNode input =
        new com.fasterxml.jackson.databind.node.ObjectNode(
            dev.iii4j.protocol.Json.nodes(), java.util.Map.of("name", text("Ada")));
    assertThat(callWhenReady(caller, greet, input).textValue()).isEqualTo("Hello, Ada");
    assertThatThrownBy(() -> caller.call(fail, input).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            WorkerException.Remote.class,
            r -> {
              assertThat(r.code()).isEqualTo("invocation_failed");
              assertThat(r.getMessage()).contains("boom");
            });
    assertThatThrownBy(() -> caller.call("nope::missing", input).get(5, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            WorkerException.Remote.class,
            r -> assertThat(r.code()).isEqualTo("function_not_found"));
  }

  @Test
  void killingTheExecutorMidCallStopsTheCallWithinASecond() throws Exception {
    String slow = unique("slow");
    CompletableFuture<Void> called = new CompletableFuture<>();
    EngineWorker executor = worker("doomed", false);
    executor.registerFunction(
        slow,
        invocation -> {
          called.complete(null);
          return new CompletableFuture<>();
        });
    executor.start().get(10, TimeUnit.SECONDS);
    EngineWorker caller = worker("caller", false);
    caller.start().get(10, TimeUnit.SECONDS);
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () -> {
              CompletableFuture<JsonNode> probe = caller.call(slow, text("x"));
              try {
                probe.get(200, TimeUnit.MILLISECONDS);
              } catch (java.util.concurrent.TimeoutException stillRunning) {
                probe.cancel(true);
              } catch (ExecutionException notYetRegistered) {
                return false;
              }
              return called.isDone();
            });
    CompletableFuture<JsonNode> pending = caller.call(slow, text("y"));
    await().atMost(5, TimeUnit.SECONDS).until(() -> executor.isConnected());
    long start = System.nanoTime();
    executor.close();
    assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            WorkerException.Remote.class,
            r -> assertThat(r.code()).isEqualTo("invocation_stopped"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void anOrdinaryWorkerCannotTakeOverStateSetFromTheService() throws Exception {
    EngineWorker service = worker("state-service", true);
    service.registerFunction("state::set", FunctionHandler.sync(in -> text("from the service")));
    service.start().get(10, TimeUnit.SECONDS);
    EngineWorker caller = worker("caller", false);
    caller.start().get(10, TimeUnit.SECONDS);
    assertThat(callWhenReady(caller, "state::set", text("v")).textValue())
        .isEqualTo("from the service");
    EngineWorker intruder = worker("intruder", false);
    intruder.registerFunction("state::set", FunctionHandler.sync(in -> text("stolen")));
    intruder.start().get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 6; i++) {
      assertThat(caller.call("state::set", text("v")).get(5, TimeUnit.SECONDS).textValue())
          .isEqualTo("from the service");
    }
  }

  @Test
  void bothSidesSurviveAGatewayRestartWithoutUserCode() throws Exception {
    String fn = unique("durable");
    EngineWorker executor = worker("executor", false);
    executor.registerFunction(fn, FunctionHandler.sync(in -> text("alive")));
    executor.start().get(10, TimeUnit.SECONDS);
    EngineWorker caller = worker("caller", false);
    caller.start().get(10, TimeUnit.SECONDS);
    assertThat(callWhenReady(caller, fn, text("1")).textValue()).isEqualTo("alive");
    gateway.restart();
    assertThat(callWhenReady(caller, fn, text("2")).textValue()).isEqualTo("alive");
  }
}

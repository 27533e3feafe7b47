package dev.iii4j.cli;

import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.queue.Application;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.state.StateService;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.KafkaFixture;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shortcuts and actions that need the built-in services: {@code iii state *} against
 * state-service on PostgreSQL, {@code iii trigger --enqueue} and {@code iii queue dead-letters *}
 * against queue-service on Kafka. The services run in this JVM as trusted workers of one gateway,
 * as in production; the CLI is a separate process.
 */
class CliServicesTest {
  private static final String PREFIX = "clisvc" + UUID.randomUUID().toString().substring(0, 8);
  private static final String RUN = PREFIX + "::jobs::run";
  private static final String FLAKY = PREFIX + "::jobs::flaky";
  private static final String DEAD_LETTER_QUEUE = "clidlq";

  private static GatewayHarness gateway;
  private static ApplicationContext stateService;
  private static ApplicationContext queueService;
  private static EngineWorker worker;
  private static final List<JsonNode> ran = new CopyOnWriteArrayList<>();
  private static final AtomicBoolean flakyFails = new AtomicBoolean(true);

  @BeforeAll
  static void startServices() throws Exception {
    gateway = GatewayHarness.start();
    stateService = startStateService();
    queueService = startQueueService();
    worker = gateway.worker(PREFIX + "-worker");
    worker.registerFunction(
        RUN,
        FunctionHandler.sync(
            input -> {
              ran.add(input);
              return JsonText.object("ok", true);
            }));
    worker.registerFunction(
        FLAKY,
        FunctionHandler.sync(
            input -> {
              if (flakyFails.get()) {
                throw new FunctionException("boom", "flaky job failed");
              }
              ran.add(input);
              return null;
            }));
    worker.start().get(10, TimeUnit.SECONDS);
    JsonNode probe = JsonText.object("queue", DEAD_LETTER_QUEUE);
    await("services registered")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                worker.call("engine::queue::dlq_count", probe).get(2, TimeUnit.SECONDS) != null
                    && worker.call("state::list_groups", JsonText.object()).get(2, TimeUnit.SECONDS)
                        != null);
  }

  private static ApplicationContext startStateService() {
    return ServiceHarness.service(StateService.ENVIRONMENT, "engine.state")
        .gateway(gateway)
        .database(PostgresFixture.instance().createDatabase("cli_state"))
        .start();
  }

  private static ApplicationContext startQueueService() {
    return ServiceHarness.service(Application.ENVIRONMENT, "engine.queue")
        .gateway(gateway)
        .kafka()
        .property("kafka.health.enabled", false)
        .property("engine.queue.topic-prefix", KafkaFixture.instance().uniqueName("cli") + ".")
        .property("engine.queue.stop-timeout", "5s")
        .property("engine.queues." + DEAD_LETTER_QUEUE + ".max-retries", 1)
        .property("engine.queues." + DEAD_LETTER_QUEUE + ".backoff-ms", 0)
        .start();
  }

  @AfterAll
  static void stop() {
    if (queueService != null) {
      queueService.close();
    }
    if (stateService != null) {
      stateService.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private static CliProcess cli() {
    return CliProcess.against(gateway.url());
  }

  private static JsonNode stateGet(String scope, String key) throws Exception {
    return worker
        .call("state::get", JsonText.object("scope", scope, "key", key))
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void stateSetGetListAndDelete() throws Exception {
    String scope = PREFIX + "-scope";

    CliProcess.Result set = cli().run("state", "set", scope, "order-1", "{\"qty\":3}");
    CliProcess.Result setString =
        cli().run("state", "set", scope, "order-2", "pending", "--string");
    CliProcess.Result get = cli().run("state", "get", scope, "order-1");
    CliProcess.Result list = cli().run("state", "list", scope);
    CliProcess.Result groups = cli().run("state", "list");

    assertThat(set.exitCode()).as(set.toString()).isZero();
    assertThatJson(set.stdout()).isEqualTo("{\"old_value\":null,\"new_value\":{\"qty\":3}}");
    assertThat(setString.exitCode()).as(setString.toString()).isZero();
    // What the CLI wrote is what a worker reads through the protocol.
    assertThatJson(JsonText.compact(stateGet(scope, "order-1"))).isEqualTo("{\"qty\":3}");
    assertThat(stateGet(scope, "order-2").textValue()).isEqualTo("pending");
    assertThat(get.stdout()).isEqualTo("{\n  \"qty\": 3\n}\n");
    assertThatJson(list.stdout()).isEqualTo("[{\"qty\":3},\"pending\"]");
    assertThat(groups.stdout().lines()).contains(scope);

    CliProcess.Result delete = cli().run("state", "delete", scope, "order-1");
    CliProcess.Result getDeleted = cli().run("state", "get", scope, "order-1");
    CliProcess.Result deleteAgain = cli().run("state", "delete", scope, "order-1");

    assertThat(delete.exitCode()).as(delete.toString()).isZero();
    assertThatJson(delete.stdout()).isEqualTo("{\"qty\":3}");
    assertThat(stateGet(scope, "order-1")).isNull();
    assertThat(getDeleted.exitCode()).as(getDeleted.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(getDeleted.stderr())
        .isEqualTo("error: no value at key 'order-1' of scope '" + scope + "'\n");
    assertThat(deleteAgain.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void stateSetRejectsAValueThatIsNotJson() {
    CliProcess.Result r = cli().run("state", "set", PREFIX + "-bad", "k", "pending");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).contains("not valid JSON").contains("--string");
  }

  @Test
  void enqueuePrintsTheReceiptAndTheQueueRunsTheFunction() {
    String marker = UUID.randomUUID().toString();

    CliProcess.Result r =
        cli().run("trigger", RUN, "--enqueue", "default", "{\"marker\":\"" + marker + "\"}");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThatJson(r.stdout()).isEqualTo("{\"messageReceiptId\":\"${json-unit.any-string}\"}");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ran.stream().anyMatch(p -> marker.equals(JsonText.text(p, "marker"))));
  }

  @Test
  void deadLettersAreListedRedrivenAndDiscarded() throws Exception {
    flakyFails.set(true);
    assertThat(cli().run("trigger", FLAKY, "--enqueue", DEAD_LETTER_QUEUE, "{\"n\":1}").exitCode())
        .isZero();
    assertThat(cli().run("trigger", FLAKY, "--enqueue", DEAD_LETTER_QUEUE, "{\"n\":2}").exitCode())
        .isZero();
    await("two dead letters").atMost(Duration.ofSeconds(30)).until(() -> deadLetterCount() == 2);

    CliProcess.Result queues = cli().run("queue", "dead-letters", "list");
    CliProcess.Result table = cli().run("queue", "dead-letters", "list", DEAD_LETTER_QUEUE);
    CliProcess.Result json =
        cli().run("queue", "dead-letters", "list", DEAD_LETTER_QUEUE, "--json");

    assertThat(queues.exitCode()).as(queues.toString()).isZero();
    assertThat(queues.stdout().lines())
        .first()
        .satisfies(h -> assertThat(h).matches("QUEUE +TYPE +DEAD LETTERS"));
    assertThat(queues.stdout().lines())
        .anySatisfy(l -> assertThat(l).startsWith(DEAD_LETTER_QUEUE + " ").endsWith(" 2"));
    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.stdout().lines()).hasSize(3);
    assertThat(table.stdout().lines().skip(1))
        .allSatisfy(l -> assertThat(l).contains(FLAKY).contains("flaky job failed"));
    JsonNode rows = JsonText.parse(json.stdout());
    Map<Integer, String> idByN = new HashMap<>();
    for (JsonNode row : rows) {
      idByN.put(row.get("payload").get("n").numberValue().intValue(), JsonText.text(row, "id"));
      assertThat(JsonText.text(row, "function_id")).isEqualTo(FLAKY);
    }
    assertThat(idByN).containsOnlyKeys(1, 2);

    flakyFails.set(false);
    CliProcess.Result redrive =
        cli().run("queue", "dead-letters", "redrive", DEAD_LETTER_QUEUE, idByN.get(1));
    assertThat(redrive.exitCode()).as(redrive.toString()).isZero();
    assertThat(redrive.stdout())
        .isEqualTo("redriven 1 message(s) of queue " + DEAD_LETTER_QUEUE + "\n");
    await("the redriven message runs")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                ran.stream()
                    .anyMatch(p -> p.get("n") != null && p.get("n").numberValue().intValue() == 1));

    CliProcess.Result discard =
        cli().run("queue", "dead-letters", "discard", DEAD_LETTER_QUEUE, idByN.get(2));
    CliProcess.Result discardAgain =
        cli().run("queue", "dlq", "discard", DEAD_LETTER_QUEUE, idByN.get(2));
    CliProcess.Result redriveAll = cli().run("queue", "dead-letters", "redrive", DEAD_LETTER_QUEUE);

    assertThat(discard.exitCode()).as(discard.toString()).isZero();
    assertThat(deadLetterCount()).isZero();
    assertThat(discardAgain.exitCode()).as(discardAgain.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(discardAgain.stderr()).contains(idByN.get(2));
    assertThat(redriveAll.stdout())
        .isEqualTo("redriven 0 message(s) of queue " + DEAD_LETTER_QUEUE + "\n");
    assertThat(ran).noneMatch(p -> p.get("n") != null && p.get("n").numberValue().intValue() == 2);
  }

  private static long deadLetterCount() throws Exception {
    JsonNode answer =
        worker
            .call("engine::queue::dlq_count", JsonText.object("queue", DEAD_LETTER_QUEUE))
            .get(10, TimeUnit.SECONDS);
    return answer.get("count").numberValue().longValue();
  }
}

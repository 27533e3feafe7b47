package dev.iii4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.iii4j.observability.Application;
import dev.iii4j.observability.config.ObservabilityProperties;
import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.TraceContext;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code iii traces} and {@code iii logs} against observability-service on PostgreSQL: the service
 * runs in this JVM as a trusted worker of one gateway, as in production; the gateway's spans of a
 * traced call and an ingested log record are what the CLI, a separate process, prints.
 */
class CliObservabilityTest {
  private static final String FUNCTION =
      "cliobs" + UUID.randomUUID().toString().substring(0, 8) + "::work";

  private static GatewayHarness gateway;
  private static ApplicationContext observability;
  private static EngineWorker worker;
  private static EngineWorker service;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayHarness.start();
    observability =
        ServiceHarness.service(Application.ENVIRONMENT, ObservabilityProperties.PREFIX)
            .gateway(gateway)
            .database(PostgresFixture.instance().createDatabase("cli_observability"))
            .property("datasources.default.maximum-pool-size", 3)
            .start();
    await().atMost(Duration.ofSeconds(30)).until(() -> gateway.hasFunction("engine::logs::list"));
    worker = gateway.worker("cli-observability-worker");
    worker.registerFunction(FUNCTION, FunctionHandler.sync(input -> JsonText.object("ok", true)));
    worker.start().get(10, TimeUnit.SECONDS);
    service = gateway.serviceWorker("cli-observability-ingest");
    service.start().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    if (worker != null) {
      worker.close();
    }
    if (observability != null) {
      observability.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private static CliProcess cli() {
    return CliProcess.against(gateway.url());
  }

  /** Calls {@link #FUNCTION} in a new trace and waits until the engine's span of it is stored. */
  private static String tracedCall() throws Exception {
    String traceparent = TraceContext.newTraceparent();
    String traceId = TraceContext.traceId(traceparent);
    worker
        .call(FUNCTION, JsonText.object(), CallOptions.defaults().withTraceparent(traceparent))
        .get(10, TimeUnit.SECONDS);
    await("the call's span stored")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                worker
                        .call("engine::traces::list", JsonText.object("trace_id", traceId))
                        .get(10, TimeUnit.SECONDS)
                        .get("total")
                        .intValue()
                    == 1);
    return traceId;
  }

  @Test
  void tracesPrintsATraceAsATreeOfSpansAndAsJson() throws Exception {
    String traceId = tracedCall();
    String later = tracedCall();

    CliProcess.Result text = cli().run("traces", "--trace", traceId);
    CliProcess.Result json = cli().run("traces", "--trace", traceId, "--json");

    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.stdout().lines()).first().isEqualTo("trace " + traceId);
    assertThat(text.stdout().lines().skip(1))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .matches(
                        "  call "
                            + FUNCTION.replace(":", "\\:")
                            + "  \\[iii, ok, \\d+\\.\\d\\d ms\\]"));
    assertThat(json.exitCode()).as(json.toString()).isZero();
    assertThat(text.stdout()).doesNotContain(later);
    JsonNode trees = JsonText.parse(json.stdout());
    assertThat(trees.size()).isEqualTo(1);
    JsonNode root = trees.get(0).get("roots").get(0);
    assertThat(JsonText.text(root, "trace_id")).isEqualTo(traceId);
    assertThat(JsonText.text(root, "name")).isEqualTo("call " + FUNCTION);
    assertThat(JsonText.text(root, "status")).isEqualTo("ok");
  }

  @Test
  void tracesSaysSoWhenThereIsNoSuchTrace() throws Exception {
    tracedCall();

    CliProcess.Result r = cli().run("traces", "--trace", "0123456789abcdef0123456789abcdef");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).isEqualTo("no traces\n");
  }

  @Test
  void logsPrintsTheRecordsOfATraceAndFiltersBySeverity() throws Exception {
    String traceId = TraceContext.traceId(TraceContext.newTraceparent());
    String document =
        "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
            + "\"value\":{\"stringValue\":\"cli-app\"}}]},\"scopeLogs\":[{\"logRecords\":["
            + log(traceId, "order received", 9, "INFO", 1_000_000_000L)
            + ","
            + log(traceId, "payment failed", 17, "ERROR", 2_000_000_000L)
            + "]}]}]}";
    service
        .call(
            "engine::observability::ingest",
            JsonNodeFactory.instance
                .objectNode()
                .set("logs", JsonNodeFactory.instance.arrayNode().add(document)))
        .get(10, TimeUnit.SECONDS);

    CliProcess.Result table = cli().run("logs", "--trace", traceId);
    CliProcess.Result errors = cli().run("logs", "--trace", traceId, "--severity", "ERROR");
    CliProcess.Result json = cli().run("logs", "--trace", traceId, "--json");

    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.stdout().lines().toList())
        .hasSize(3)
        .first()
        .satisfies(h -> assertThat(h).matches("TIME +SEVERITY +SERVICE +TRACE +SPAN +BODY"));
    // Newest first.
    assertThat(table.stdout().lines().skip(1).toList())
        .satisfiesExactly(
            l ->
                assertThat(l)
                    .startsWith("1970-01-01T00:00:02Z")
                    .contains("ERROR", "cli-app", traceId, "00f067aa0ba902b7", "payment failed"),
            l ->
                assertThat(l)
                    .startsWith("1970-01-01T00:00:01Z")
                    .contains("INFO", "order received"));
    assertThat(errors.stdout().lines().skip(1).toList())
        .singleElement()
        .satisfies(l -> assertThat(l).contains("payment failed"));
    JsonNode records = JsonText.parse(json.stdout());
    assertThat(records.size()).isEqualTo(2);
    assertThat(JsonText.text(records.get(0), "body")).isEqualTo("payment failed");
    assertThat(JsonText.text(records.get(0), "trace_id")).isEqualTo(traceId);
    assertThat(JsonText.text(records.get(0), "span_id")).isEqualTo("00f067aa0ba902b7");
  }

  private static String log(String traceId, String body, int severity, String text, long time) {
    return "{\"timeUnixNano\":\""
        + time
        + "\",\"severityNumber\":"
        + severity
        + ",\"severityText\":\""
        + text
        + "\",\"body\":{\"stringValue\":\""
        + body
        + "\"},\"traceId\":\""
        + traceId
        + "\",\"spanId\":\"00f067aa0ba902b7\"}";
  }
}

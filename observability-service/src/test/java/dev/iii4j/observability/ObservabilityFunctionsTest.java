package dev.iii4j.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.observability.config.ObservabilityProperties;
import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The query functions over what the ingest function stored, through a real gateway, with two
 * replicas on one database: whichever replica stored a batch, the other answers for it.
 */
class ObservabilityFunctionsTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static GatewayHarness gateway;
  private static final List<ApplicationContext> replicas = new ArrayList<>();
  private static EngineWorker client;

  @BeforeAll
  static void start() {
    gateway = GatewayHarness.start();
    String db = PostgresFixture.instance().createDatabase("observability_functions");
    for (int i = 0; i < 2; i++) {
      replicas.add(
          ServiceHarness.service(Application.ENVIRONMENT, ObservabilityProperties.PREFIX)
              .gateway(gateway)
              .database(db)
              .property("datasources.default.maximum-pool-size", 3)
              .start());
    }
    for (ApplicationContext replica : replicas) {
      EngineWorker worker = replica.getBean(EngineWorker.class);
      await().atMost(Duration.ofSeconds(20)).until(worker::isConnected);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.hasFunction("engine::logs::list"));
    client = gateway.serviceWorker("observability-test");
    client.start().join();
  }

  @AfterAll
  static void stop() {
    client.close();
    replicas.forEach(ApplicationContext::close);
    gateway.close();
  }

  @BeforeEach
  void clear() {
    call("engine::traces::clear", "{}");
    call("engine::logs::clear", "{}");
  }

  @Test
  void aTraceSentAsOtlpJsonListsItsRootAndNestsItsSpans() {
    // Root "GET /orders" from outside (parent not stored), a child, a grandchild; ids as the Node
    // SDK writes them (hex), numbers as strings, one in another batch (another replica).
    ingest(
        traces(
            "node-app",
            span("b7ad6b7169203331", "00f067aa0ba902b7", "GET /orders", 1000, 9000, 1),
            span("c1", "b7ad6b7169203331", "queue handler", 2000, 5000, 2)));
    ingest(traces("node-app", span("d2", "c1", "state::set", 3000, 4000, 0)));

    JsonNode list = call("engine::traces::list", "{\"trace_id\":\"" + TRACE + "\"}");
    assertThat(list.get("total").getIntValue()).isEqualTo(1);
    JsonNode root = list.get("spans").get(0);
    assertThat(root.get("name").getStringValue()).isEqualTo("GET /orders");
    assertThat(root.get("service_name").getStringValue()).isEqualTo("node-app");
    assertThat(root.get("status").getStringValue()).isEqualTo("ok");
    assertThat(root.get("parent_span_id").getStringValue()).isEqualTo("00f067aa0ba902b7");
    assertThat(JsonText.write(root.get("attributes"))).isEqualTo("[[\"http.method\",\"GET\"]]");
    assertThat(list.get("limit").getIntValue()).isEqualTo(100);

    JsonNode tree = call("engine::traces::tree", "{\"trace_id\":\"" + TRACE + "\"}");
    JsonNode top = tree.get("roots").get(0);
    assertThat(tree.get("roots").size()).isEqualTo(1);
    JsonNode child = top.get("children").get(0);
    assertThat(child.get("name").getStringValue()).isEqualTo("queue handler");
    assertThat(child.get("status").getStringValue()).isEqualTo("error");
    assertThat(child.get("children").get(0).get("name").getStringValue()).isEqualTo("state::set");

    JsonNode all =
        call("engine::traces::list", "{\"search_all_spans\":true,\"sort_by\":\"duration\"}");
    assertThat(all.get("total").getIntValue()).isEqualTo(3);
    assertThat(all.get("spans").get(0).get("name").getStringValue()).isEqualTo("state::set");
    JsonNode slow = call("engine::traces::list", "{\"min_duration_ms\":0.005}");
    assertThat(slow.get("total").getIntValue()).isEqualTo(1);
    JsonNode none = call("engine::traces::list", "{\"service_name\":\"other\"}");
    assertThat(none.get("total").getIntValue()).isZero();

    call("engine::traces::clear", "{}");
    assertThat(call("engine::traces::tree", "{\"trace_id\":\"" + TRACE + "\"}").get("roots").size())
        .isZero();
  }

  @Test
  void logsWrittenInATraceAreFoundByItsIdsNewestFirst() {
    ingest(
        "{\"logs\":[\""
            + escape(
                "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
                    + "\"value\":{\"stringValue\":\"node-app\"}}]},\"scopeLogs\":[{\"logRecords\":["
                    + log("first", 9, "INFO", 1000)
                    + ","
                    + log("second", 17, "ERROR", 2000)
                    + "]}]}]}")
            + "\",\"not json\"]}");
    JsonNode logs = call("engine::logs::list", "{\"trace_id\":\"" + TRACE + "\"}");
    assertThat(logs.get("total").getIntValue()).isEqualTo(2);
    assertThat(logs.get("logs").get(0).get("body").getStringValue()).isEqualTo("second");
    assertThat(logs.get("logs").get(0).get("span_id").getStringValue())
        .isEqualTo("b7ad6b7169203331");
    assertThat(logs.get("logs").get(1).get("attributes").get("order").getIntValue()).isEqualTo(7);
    assertThat(logs.get("query").get("trace_id").getStringValue()).isEqualTo(TRACE);
    assertThat(
            call("engine::logs::list", "{\"severity_min\":10}")
                .get("logs")
                .get(0)
                .get("body")
                .getStringValue())
        .isEqualTo("second");
    assertThat(
            call("engine::logs::list", "{\"severity_text\":\"info\"}").get("total").getIntValue())
        .isEqualTo(1);
    assertThat(call("engine::logs::list", "{}").get("logs").size()).isEqualTo(2);
  }

  @Test
  void aRequestOfTheWrongShapeIsRefusedWithItsCode() {
    assertThat(refusal("engine::traces::list", "{\"limit\":\"ten\"}"))
        .satisfies(e -> assertThat(e.code()).isEqualTo("deserialization_error"))
        .hasMessageContaining("limit");
    assertThat(refusal("engine::traces::tree", "{}"))
        .satisfies(e -> assertThat(e.code()).isEqualTo("deserialization_error"))
        .hasMessageContaining("trace_id");
  }

  private static WorkerException.Remote refusal(String function, String json) {
    try {
      client.call(function, SerdeTrees.sdk(JsonText.parse(json))).get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WorkerException.Remote remote) {
        return remote;
      }
      throw new AssertionError(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError(function + " accepted " + json);
  }

  private static void ingest(String batch) {
    call("engine::observability::ingest", batch);
  }

  private static String traces(String service, String... spans) {
    String doc =
        "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
            + "\"value\":{\"stringValue\":\""
            + service
            + "\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"iii\"},\"spans\":["
            + String.join(",", spans)
            + "]}]}]}";
    return "{\"traces\":[\"" + escape(doc) + "\"]}";
  }

  private static String span(
      String spanId, String parent, String name, long start, long end, int status) {
    return "{\"traceId\":\""
        + TRACE
        + "\",\"spanId\":\""
        + pad(spanId)
        + "\",\"parentSpanId\":\""
        + pad(parent)
        + "\",\"name\":\""
        + name
        + "\",\"startTimeUnixNano\":\""
        + start
        + "\",\"endTimeUnixNano\":"
        + end
        + ",\"status\":{\"code\":"
        + status
        + "},\"attributes\":[{\"key\":\"http.method\",\"value\":{\"stringValue\":\"GET\"}}]}";
  }

  private static String log(String body, int severity, String text, long time) {
    return "{\"timeUnixNano\":\""
        + time
        + "\",\"severityNumber\":"
        + severity
        + ",\"severityText\":\""
        + text
        + "\",\"body\":{\"stringValue\":\""
        + body
        + "\"},\"traceId\":\""
        + TRACE
        + "\",\"spanId\":\"b7ad6b7169203331\",\"attributes\":[{\"key\":\"order\","
        + "\"value\":{\"intValue\":\"7\"}}]}";
  }

  private static String pad(String id) {
    return id.length() >= 16 ? id : "0".repeat(16 - id.length()) + id;
  }

  private static String escape(String json) {
    return json.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static JsonNode call(String function, String json) {
    try {
      return SerdeTrees.serde(
          client.call(function, SerdeTrees.sdk(JsonText.parse(json))).get(20, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException(
          e.getCause() == null ? e.toString() : e.getCause().toString(), e);
    }
  }
}

package dev.iii4j.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.Calls;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
  private static TwoReplicas stack;
  private static EngineWorker client;

  @BeforeAll
  static void start() throws Exception {
    stack =
        TwoReplicas.start(
            "observability_functions",
            Map.of(),
            "engine::logs::list",
            "observability-test",
            worker -> {});
    client = stack.client();
  }

  @AfterAll
  static void stop() {
    TwoReplicas.close(stack);
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
  void sdkMetricsAreListedAggregatedAndRolledUpByAnyReplica() {
    long before = System.currentTimeMillis();
    String counter = "orders.placed." + before;
    String latency = "orders.latency." + before;
    // One export with a monotonic sum (two points) and a histogram, values as the Node SDK writes
    // them (integers as strings); another export (maybe the other replica) with a gauge.
    ingest(
        metricsBatch(
            "{\"name\":\""
                + counter
                + "\",\"unit\":\"1\",\"sum\":{\"isMonotonic\":true,\"dataPoints\":["
                + "{\"asInt\":\"3\",\"timeUnixNano\":\"5\",\"attributes\":[{\"key\":"
                + "\"region\",\"value\":{\"stringValue\":\"eu\"}}]},"
                + "{\"asDouble\":4.5,\"timeUnixNano\":\"6\"}]}},"
                + "{\"name\":\""
                + latency
                + "\",\"histogram\":{\"dataPoints\":[{\"count\":\"3\",\"sum\":12.0,"
                + "\"bucketCounts\":[\"1\",\"2\"],\"explicitBounds\":[5.0],\"min\":1.0,"
                + "\"max\":7.0,\"timeUnixNano\":\"7\"}]}}"));
    ingest(
        metricsBatch(
            "{\"name\":\"" + counter + "\",\"gauge\":{\"dataPoints\":[{\"asDouble\":1.5}]}}"));
    long after = System.currentTimeMillis();

    JsonNode list = call("engine::metrics::list", "{\"metric_name\":\"" + counter + "\"}");
    JsonNode sdk = list.get("sdk_metrics");
    assertThat(sdk.size()).isEqualTo(2);
    JsonNode sum = sdk.get(0);
    assertThat(sum.get("metric_type").getStringValue()).isEqualTo("counter");
    assertThat(sum.get("service_name").getStringValue()).isEqualTo("node-app");
    assertThat(sum.get("instrumentation_scope_name").getStringValue()).isEqualTo("orders");
    assertThat(sum.get("data_points").get(0).get("value").getDoubleValue()).isEqualTo(3.0);
    assertThat(JsonText.write(sum.get("data_points").get(0).get("attributes")))
        .isEqualTo("[[\"region\",\"eu\"]]");
    assertThat(sdk.get(1).get("metric_type").getStringValue()).isEqualTo("gauge");
    assertThat(list.get("query")).isNull();
    assertThat(list.get("engine_metrics").get("performance").get("p50_duration_ms")).isNotNull();
    assertThat(list.get("engine_metrics").get("workers").get("active").getLongValue()).isPositive();

    JsonNode aggregated =
        call(
            "engine::metrics::list",
            "{\"metric_name\":\""
                + counter
                + "\",\"start_time\":"
                + before
                + ",\"end_time\":"
                + after
                + ",\"aggregate_interval\":3600}");
    assertThat(aggregated.get("query").get("aggregate_interval").getIntValue()).isEqualTo(3600);
    JsonNode buckets = aggregated.get("aggregated_metrics");
    long values = 0;
    double total = 0;
    for (JsonNode bucket : buckets.values()) {
      assertThat(bucket.get("name").getStringValue()).isEqualTo(counter);
      values += bucket.get("count").getLongValue();
      total += bucket.get("sum").getDoubleValue();
    }
    assertThat(values).isEqualTo(3);
    assertThat(total).isEqualTo(9.0);

    JsonNode rollups =
        call("engine::rollups::list", "{\"level\":2,\"metric_name\":\"" + latency + "\"}");
    assertThat(rollups.get("source").getStringValue()).isEqualTo("on_the_fly");
    assertThat(rollups.get("level").getIntValue()).isEqualTo(2);
    assertThat(rollups.get("rollups").size()).isZero();
    JsonNode histogram = rollups.get("histogram_rollups").get(0);
    assertThat(histogram.get("total_count").getLongValue()).isEqualTo(3);
    assertThat(histogram.get("max").getDoubleValue()).isEqualTo(7.0);
    assertThat(JsonText.write(histogram.get("bucket_counts"))).isEqualTo("[1,2]");
    assertThat(
            histogram.get("bucket_end_ns").getLongValue()
                - histogram.get("bucket_start_ns").getLongValue())
        .isEqualTo(3_600_000_000_000L);
  }

  @Test
  void engineMetricsCountTheGatewaysCallSpansAndGroupByGroupsSpans() {
    // Two gateway spans (they carry iii.executor) for one function, one failed; a worker span.
    ingest(
        "{\"spans\":["
            + engineSpan("e1", "orders::place", "ok", 1_000_000, 3_000_000)
            + ","
            + engineSpan("e2", "orders::place", "error", 4_000_000, 5_000_000)
            + "]}");
    ingest(
        traces(
            "node-app",
            span("f1", "0000000000000000", "checkout", 2_000_000, 9_000_000, 1)
                .replace("\"http.method\"", "\"session\""),
            span("f2", "f1", "pay", 3_000_000, 4_000_000, 2)
                .replace("\"http.method\"", "\"session\"")));

    JsonNode engine = call("engine::metrics::list", "{}").get("engine_metrics");
    JsonNode invocations = engine.get("invocations");
    // The test's own calls through the gateway make spans too: count what is certain.
    assertThat(invocations.get("by_function").get("orders::place").getIntValue()).isEqualTo(2);
    long byFunction = 0;
    for (JsonNode count : invocations.get("by_function").values()) {
      byFunction += count.getLongValue();
    }
    assertThat(invocations.get("total").getLongValue()).isEqualTo(byFunction);
    assertThat(invocations.get("error").getIntValue()).isGreaterThanOrEqualTo(1);
    assertThat(invocations.get("success").getIntValue()).isGreaterThanOrEqualTo(1);
    JsonNode performance = engine.get("performance");
    assertThat(performance.get("min_duration_ms").getDoubleValue()).isLessThanOrEqualTo(1.0);
    assertThat(performance.get("max_duration_ms").getDoubleValue()).isGreaterThanOrEqualTo(7.0);

    JsonNode groups = call("engine::traces::group_by", "{\"attribute\":\"session\"}").get("groups");
    assertThat(groups.size()).isEqualTo(1);
    JsonNode group = groups.get(0);
    assertThat(group.get("value").getStringValue()).isEqualTo("GET");
    assertThat(group.get("span_count").getIntValue()).isEqualTo(2);
    assertThat(group.get("error_count").getIntValue()).isEqualTo(1);
    assertThat(group.get("first_seen_ms").getIntValue()).isEqualTo(2);
    assertThat(group.get("duration_ms").getIntValue()).isEqualTo(7);
    assertThat(JsonText.write(group.get("trace_ids"))).isEqualTo("[\"" + TRACE + "\"]");
    assertThat(
            call("engine::traces::group_by", "{\"attribute\":\"function_id\",\"limit\":1}")
                .get("groups")
                .get(0)
                .get("value")
                .getStringValue())
        .isEqualTo("orders::place");
    assertThat(
            call("engine::traces::group_by", "{\"attribute\":\"session\",\"since_ms\":10}")
                .get("groups")
                .size())
        .isZero();
  }

  @Test
  void healthCountsWhatIsStoredAndSamplingAndAlertsAnswerTheirShapes() {
    ingest(traces("node-app", span("a1", "0000000000000000", "GET /health", 1, 2, 1)));
    JsonNode health = call("engine::health::check", "{}");
    assertThat(health.get("status").getStringValue()).isEqualTo("healthy");
    assertThat(health.get("version").getStringValue()).isEqualTo("0.22.1");
    JsonNode components = health.get("components");
    assertThat(components.get("otel").get("details").get("exporter").getStringValue())
        .isEqualTo("Memory");
    assertThat(components.get("spans").get("status").getStringValue()).isEqualTo("healthy");
    assertThat(components.get("spans").get("details").get("stored_spans").getLongValue())
        .isPositive();
    assertThat(components.get("logs").get("details").get("stored_logs")).isNotNull();
    assertThat(components.get("metrics").get("details").get("stored_metrics")).isNotNull();

    JsonNode sampling = call("engine::sampling::rules", "{}");
    assertThat(sampling.get("traces").get("default_ratio").getDoubleValue()).isEqualTo(1.0);
    assertThat(sampling.get("traces").get("rules").size()).isZero();
    assertThat(sampling.get("traces").get("parent_based").getBooleanValue()).isTrue();
    assertThat(sampling.get("logs").get("sampling_ratio").getDoubleValue()).isEqualTo(1.0);

    JsonNode alerts = call("engine::alerts::list", "{}");
    assertThat(alerts.get("alerts").size()).isZero();
    assertThat(alerts.get("rules").size()).isZero();
    assertThat(alerts.get("firing_count").getIntValue()).isZero();
    JsonNode evaluated = call("engine::alerts::evaluate", "{}");
    assertThat(evaluated.get("evaluated").getBooleanValue()).isTrue();
    assertThat(evaluated.get("triggered_alerts").size()).isZero();
  }

  @Test
  void logAndTraceTriggersReceiveWhatMatchesTheirConfig() {
    BlockingQueue<JsonNode> logs = new LinkedBlockingQueue<>();
    BlockingQueue<JsonNode> ticks = new LinkedBlockingQueue<>();
    client.registerFunction("obs-test::on_error", handler(logs));
    client.registerFunction("obs-test::on_traces", handler(ticks));
    client.registerTrigger(
        "log", "obs-test::on_error", SerdeTrees.sdk(JsonText.parse("{\"level\":\"error\"}")));
    client.registerTrigger(
        "trace",
        "obs-test::on_traces",
        SerdeTrees.sdk(JsonText.parse("{\"status\":\"ERROR\",\"service_name\":\"node-app\"}")));
    String failed = "3af7651916cd43dd8448eb211c80319c";
    String fine = "4af7651916cd43dd8448eb211c80319c";
    // Until every replica holds the bindings: whichever replica ingests delivers.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              ingest(
                  "{\"logs\":[\""
                      + escape(
                          "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":"
                              + "\"service.name\",\"value\":{\"stringValue\":\"node-app\"}}]},"
                              + "\"scopeLogs\":[{\"logRecords\":["
                              + log("fine", 9, "INFO", 1000)
                              + ","
                              + log("boom", 17, "ERROR", 2000)
                              + "]}]}]}")
                      + "\"]}");
              ingest(
                  traces("node-app", span("e1", "0000000000000000", "bad", 1, 2, 2))
                      .replace(TRACE, failed));
              ingest(
                  traces("node-app", span("e2", "0000000000000000", "good", 1, 2, 1))
                      .replace(TRACE, fine));
              assertThat(logs).isNotEmpty();
              assertThat(ticks).isNotEmpty();
            });
    for (JsonNode record : logs) {
      assertThat(record.get("severity_text").getStringValue()).isEqualTo("ERROR");
      assertThat(record.get("body").getStringValue()).isEqualTo("boom");
      assertThat(record.get("service_name").getStringValue()).isEqualTo("node-app");
    }
    for (JsonNode tick : ticks) {
      assertThat(JsonText.write(tick.get("trace_ids"))).isEqualTo("[\"" + failed + "\"]");
    }
  }

  private static FunctionHandler handler(BlockingQueue<JsonNode> into) {
    return FunctionHandler.sync(
        input -> {
          into.add(SerdeTrees.serde(input));
          return null;
        });
  }

  @Test
  void aRequestOfTheWrongShapeIsRefusedWithItsCode() {
    assertThat(refusal("engine::traces::list", "{\"limit\":\"ten\"}"))
        .satisfies(e -> assertThat(e.code()).isEqualTo("deserialization_error"))
        .hasMessageContaining("limit");
    assertThat(refusal("engine::traces::tree", "{}"))
        .satisfies(e -> assertThat(e.code()).isEqualTo("deserialization_error"))
        .hasMessageContaining("trace_id");
    assertThat(refusal("engine::traces::group_by", "{}"))
        .satisfies(e -> assertThat(e.code()).isEqualTo("deserialization_error"))
        .hasMessageContaining("attribute");
    assertThat(refusal("engine::metrics::list", "{\"aggregate_interval\":0}"))
        .satisfies(e -> assertThat(e.code()).isEqualTo("deserialization_error"))
        .hasMessageContaining("aggregate_interval");
    assertThat(refusal("engine::metrics::list", "{\"start_time\":\"now\"}"))
        .satisfies(e -> assertThat(e.code()).isEqualTo("deserialization_error"))
        .hasMessageContaining("start_time");
    assertThat(refusal("engine::health::check", "[]"))
        .satisfies(e -> assertThat(e.code()).isEqualTo("deserialization_error"));
    assertThat(refusal("engine::rollups::list", "{\"end_time\":18446744073709551615}"))
        .satisfies(e -> assertThat(e.code()).isEqualTo("time_value_overflow"))
        .hasMessageContaining("end_time");
  }

  private static WorkerException.Remote refusal(String function, String json) {
    try {
      return Calls.error(client, function, json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
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

  private static String metricsBatch(String metrics) {
    String doc =
        "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
            + "\"value\":{\"stringValue\":\"node-app\"}}]},\"scopeMetrics\":[{\"scope\":"
            + "{\"name\":\"orders\"},\"metrics\":["
            + metrics
            + "]}]}]}";
    return "{\"metrics\":[\"" + escape(doc) + "\"]}";
  }

  /** A span as the gateway forwards it (stored shape). */
  private static String engineSpan(
      String spanId, String function, String status, long start, long end) {
    return "{\"trace_id\":\"1af7651916cd43dd8448eb211c80319c\",\"span_id\":\""
        + pad(spanId)
        + "\",\"parent_span_id\":null,\"name\":\"call "
        + function
        + "\",\"start_time_unix_nano\":"
        + start
        + ",\"end_time_unix_nano\":"
        + end
        + ",\"status\":\""
        + status
        + "\",\"attributes\":[[\"function_id\",\""
        + function
        + "\"],[\"iii.function.kind\",\"user\"],[\"iii.executor\",\"w1\"]],"
        + "\"service_name\":\"iii\",\"events\":[],\"links\":[]}";
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
    return stack.call(function, json);
  }
}

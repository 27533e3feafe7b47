package dev.iii4j.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Alert rules from {@code engine.observability.alerts}, evaluated on demand through the real stack,
 * with two replicas on one database: the state one replica stored is the other's, so a rule in its
 * cooldown does not fire again whichever replica evaluates.
 */
class AlertsTest {
  private static final String RULES =
      "[{\"name\":\"errors\",\"metric\":\"iii.invocations.error\",\"threshold\":0,"
          + "\"operator\":\">\",\"action\":{\"type\":\"function\",\"path\":\"alerts::fired\"}},"
          + "{\"name\":\"slow-queue\",\"metric\":\"queue.depth\",\"threshold\":10,"
          + "\"operator\":\">=\",\"window_seconds\":600,\"cooldown_seconds\":1},"
          + "{\"name\":\"off\",\"metric\":\"iii.invocations.total\",\"threshold\":-1,"
          + "\"enabled\":false}]";
  private static final BlockingQueue<JsonNode> fired = new LinkedBlockingQueue<>();
  private static TwoReplicas stack;

  @BeforeAll
  static void start() throws Exception {
    stack =
        TwoReplicas.start(
            "observability_alerts",
            Map.of(
                "engine.observability.alerts",
                RULES,
                // Only the test evaluates.
                "engine.observability.alert-interval",
                "1h"),
            "engine::alerts::evaluate",
            "alerts-test",
            client ->
                client.registerFunction(
                    "alerts::fired",
                    FunctionHandler.sync(
                        input -> {
                          fired.add(SerdeTrees.serde(input));
                          return null;
                        })));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> stack.gateway().hasFunction("alerts::fired"));
  }

  @AfterAll
  static void stop() {
    TwoReplicas.close(stack);
  }

  @Test
  void aRuleFiresItsActionOnceAcrossReplicasAndIsListedWithItsState() throws Exception {
    JsonNode before = call("engine::alerts::list", "{}");
    assertThat(before.get("rules").size()).isEqualTo(3);
    assertThat(before.get("rules").get(0).get("operator").getStringValue())
        .isEqualTo("greaterthan");
    assertThat(before.get("rules").get(1).get("window_seconds").getIntValue()).isEqualTo(600);
    assertThat(JsonText.write(before.get("rules").get(2).get("action")))
        .isEqualTo("{\"type\":\"log\"}");

    // One failed call recorded by the gateway's span, and a gauge above its threshold.
    call(
        "engine::observability::ingest",
        "{\"spans\":[{\"trace_id\":\"2af7651916cd43dd8448eb211c80319c\",\"span_id\":"
            + "\"00f067aa0ba902b7\",\"parent_span_id\":null,\"name\":\"call orders::place\","
            + "\"start_time_unix_nano\":1,\"end_time_unix_nano\":2,\"status\":\"error\","
            + "\"attributes\":[[\"function_id\",\"orders::place\"],[\"iii.executor\",\"w1\"]],"
            + "\"service_name\":\"iii\",\"events\":[],\"links\":[]}],\"metrics\":[\""
            + ("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"queue.depth\","
                    + "\"gauge\":{\"dataPoints\":[{\"asInt\":\"8\"},{\"asInt\":\"14\"}]}}]}]}]}")
                .replace("\"", "\\\"")
            + "\"]}");

    JsonNode first = call("engine::alerts::evaluate", "{}");
    assertThat(first.get("evaluated").getBooleanValue()).isTrue();
    List<String> names = new ArrayList<>();
    first.get("triggered_alerts").values().forEach(e -> names.add(e.get("name").getStringValue()));
    assertThat(names).containsExactlyInAnyOrder("errors", "slow-queue");
    JsonNode event = first.get("triggered_alerts").get(names.indexOf("slow-queue"));
    assertThat(event.get("value").getDoubleValue()).isEqualTo(11.0);
    assertThat(event.get("operator").getStringValue()).isEqualTo("GreaterThanOrEqual");

    JsonNode payload = fired.poll(20, TimeUnit.SECONDS);
    assertThat(payload).isNotNull();
    assertThat(payload.get("alert").getStringValue()).isEqualTo("errors");
    assertThat(payload.get("metric").getStringValue()).isEqualTo("iii.invocations.error");
    assertThat(payload.get("firing").getBooleanValue()).isTrue();

    // Still firing, but in its cooldown (60 s) for "errors": whichever replica answers, only
    // "slow-queue" (cooldown 1 s) may fire again.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              List<String> again = new ArrayList<>();
              call("engine::alerts::evaluate", "{}")
                  .get("triggered_alerts")
                  .values()
                  .forEach(e -> again.add(e.get("name").getStringValue()));
              assertThat(again).containsExactly("slow-queue");
            });
    for (int i = 0; i < 3; i++) {
      assertThat(call("engine::alerts::evaluate", "{}").get("triggered_alerts").values().iterator())
          .toIterable()
          .noneMatch(e -> e.get("name").getStringValue().equals("errors"));
    }
    assertThat(fired.poll(1, TimeUnit.SECONDS)).isNull();

    JsonNode list = call("engine::alerts::list", "{}");
    assertThat(list.get("firing_count").getIntValue()).isEqualTo(2);
    assertThat(list.get("alerts").size()).isEqualTo(2);
    JsonNode errors = list.get("alerts").get(0);
    assertThat(errors.get("name").getStringValue()).isEqualTo("errors");
    assertThat(errors.get("firing").getBooleanValue()).isTrue();
    assertThat(errors.get("current_value").getDoubleValue()).isGreaterThanOrEqualTo(1.0);
    assertThat(errors.get("last_triggered").getLongValue()).isPositive();
    assertThat(errors.get("operator").getStringValue()).isEqualTo("GreaterThan");
  }

  @Test
  void aWrongRuleIsRefusedNamingItsField() {
    assertThatThrownBy(
            () ->
                AlertRule.parse(
                    JsonText.parse("[{\"name\":\"a\",\"metric\":\"m\",\"threshold\":\"high\"}]")))
        .hasMessageContaining("`a`")
        .hasMessageContaining("threshold");
    assertThatThrownBy(
            () ->
                AlertRule.parse(
                    JsonText.parse(
                        "[{\"name\":\"a\",\"metric\":\"m\",\"threshold\":1,\"operator\":\"~\"}]")))
        .hasMessageContaining("operator");
    assertThatThrownBy(
            () ->
                AlertRule.parse(
                    JsonText.parse(
                        "[{\"name\":\"a\",\"metric\":\"m\",\"threshold\":1,\"windows\":5}]")))
        .hasMessageContaining("unknown field `windows`");
  }

  private static JsonNode call(String function, String json) {
    return stack.call(function, json);
  }
}

package dev.iii4j.queue;

import static org.awaitility.Awaitility.await;

import dev.iii4j.queue.config.QueueServiceProperties;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.KafkaFixture;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts queue-service contexts against the shared broker and a gateway harness. */
final class QueueTestSupport {
  private QueueTestSupport() {}

  /**
   * A queue-service replica connected to {@code gateway}; {@code prefix} isolates its topics and
   * groups, {@code extra} declares queues ({@code engine.queues.<name>.*}).
   */
  static ApplicationContext startService(
      GatewayHarness gateway, String prefix, Map<String, Object> extra) {
    return ServiceHarness.service(Application.ENVIRONMENT, QueueServiceProperties.PREFIX)
        .properties(extra)
        .gateway(gateway)
        .kafka()
        .property("engine.queue.topic-prefix", prefix)
        .property("engine.queue.stop-timeout", "5s")
        .property("engine.queue.partitions", 3)
        .property("kafka.health.enabled", false)
        .start();
  }

  /** Waits until the service answers a queue function through the gateway. */
  static void awaitReady(EngineWorker client) {
    await("queue service registered")
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () ->
                client
                        .call("engine::queue::dlq_count", SerdeTrees.sdk(json("queue", "default")))
                        .get(2, TimeUnit.SECONDS)
                    != null);
  }

  static String prefix() {
    return KafkaFixture.instance().uniqueName("t").replace("-", "") + ".";
  }

  /** A JSON object from alternating keys and values. */
  static JsonNode json(Object... kv) {
    Map<String, JsonNode> map = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      map.put(
          (String) kv[i],
          switch (v) {
            case JsonNode n -> n;
            case String s -> JsonNode.createStringNode(s);
            case Integer n -> JsonNode.createNumberNode(n);
            case Long n -> JsonNode.createNumberNode(n);
            case Boolean b -> JsonNode.createBooleanNode(b);
            default -> throw new IllegalArgumentException(String.valueOf(v));
          });
    }
    return JsonNode.createObjectNode(map);
  }
}

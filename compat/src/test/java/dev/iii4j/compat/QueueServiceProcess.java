package dev.iii4j.compat;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.queue.Application;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.KafkaFixture;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The queue service the compatibility suites run against: one replica in this JVM, on the fixture
 * Kafka broker, connected to the harness gateway with its service token, exactly as in production.
 * It declares a queue {@value #DEAD_LETTER_QUEUE} with one attempt and no backoff, so a failing
 * message reaches the dead letters at once.
 */
final class QueueServiceProcess {
  /** A queue whose messages are dead-lettered after their first failure. */
  static final String DEAD_LETTER_QUEUE = "compat-dlq";

  private QueueServiceProcess() {}

  static ApplicationContext start(GatewayHarness gateway) {
    ApplicationContext context =
        ServiceHarness.service(Application.ENVIRONMENT, "engine.queue")
            .gateway(gateway)
            .kafka()
            .property("kafka.health.enabled", false)
            .property(
                "engine.queue.topic-prefix", KafkaFixture.instance().uniqueName("compat") + ".")
            .property("engine.queue.stop-timeout", "5s")
            .property("engine.queues." + DEAD_LETTER_QUEUE + ".max-retries", 1)
            .property("engine.queues." + DEAD_LETTER_QUEUE + ".backoff-ms", 0)
            .start();
    EngineWorker probe = gateway.worker("compat-queue-probe");
    probe.start();
    JsonNode request =
        new com.fasterxml.jackson.databind.node.ObjectNode(
            dev.iii4j.protocol.Json.nodes(),
            Map.of("queue", dev.iii4j.protocol.Json.nodes().textNode("default")));
    await("queue service registered")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> probe.call("engine::queue::dlq_count", request).get(2, TimeUnit.SECONDS) != null);
    return context;
  }
}

package dev.iii4j.stream;

import static org.awaitility.Awaitility.await;

import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.stream.clients.StreamSocketServer;
import dev.iii4j.testing.EngineTestProperties;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts stream-service contexts (replicas) against a {@link GatewayHarness} and a test database.
 */
final class StreamServiceInstance {
  private StreamServiceInstance() {}

  /** Properties of a stream service for {@code gateway} and the database at {@code jdbcUrl}. */
  static Map<String, Object> properties(GatewayHarness gateway, String jdbcUrl) {
    Map<String, Object> p = new HashMap<>();
    PostgresFixture postgres = PostgresFixture.instance();
    p.put(EngineTestProperties.DATASOURCE_URL, jdbcUrl);
    p.put(EngineTestProperties.DATASOURCE_USERNAME, postgres.username());
    p.put(EngineTestProperties.DATASOURCE_PASSWORD, postgres.password());
    p.put(EngineTestProperties.DATASOURCE_DRIVER, PostgresFixture.DRIVER_CLASS_NAME);
    p.put("datasources.default.maximum-pool-size", 8);
    p.put("engine.stream.gateway-url", gateway.url().toString());
    p.put("engine.stream.service-token", gateway.serviceToken());
    p.put("engine.stream.reconnect-max-delay", "500ms");
    p.put("engine.stream.host", "127.0.0.1");
    p.put("engine.stream.port", 0);
    p.put("engine.stream.hook-timeout", "5s");
    p.put("engine.stream.events.poll-interval", "200ms");
    p.put("engine.stream.events.retry-initial-delay", "50ms");
    p.put("engine.stream.events.retry-max-delay", "300ms");
    p.put("micronaut.server.port", -1);
    return p;
  }

  /** Starts a replica and waits until it is connected to the gateway and its feed listens. */
  static ApplicationContext start(Map<String, Object> properties) {
    ApplicationContext context =
        ApplicationContext.builder()
            .environments(StreamService.ENVIRONMENT)
            .properties(properties)
            .start();
    EngineWorker worker = context.getBean(EngineWorker.class);
    ChangeFeed feed = context.getBean(ChangeFeed.class);
    await("stream replica ready")
        .atMost(Duration.ofSeconds(20))
        .until(() -> worker.isConnected() && feed.connected());
    return context;
  }

  /** The client WebSocket URL of a replica. */
  static URI clientUrl(ApplicationContext context) {
    return URI.create("ws://127.0.0.1:" + context.getBean(StreamSocketServer.class).port() + "/");
  }
}

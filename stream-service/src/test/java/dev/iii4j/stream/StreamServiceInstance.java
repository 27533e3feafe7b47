package dev.iii4j.stream;

import static org.awaitility.Awaitility.await;

import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.ServiceApplication;
import dev.iii4j.stream.clients.StreamSocketServer;
import dev.iii4j.stream.config.StreamProperties;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.ServiceHarness;
import dev.iii4j.testing.ServiceWithClient;
import io.micronaut.context.ApplicationContext;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Starts stream-service contexts (replicas) against a {@link GatewayHarness} and a test database.
 */
final class StreamServiceInstance {
  private StreamServiceInstance() {}

  /** Properties of a stream service for {@code gateway} and the database at {@code jdbcUrl}. */
  static Map<String, Object> properties(GatewayHarness gateway, String jdbcUrl) {
    return ServiceHarness.service(StreamService.ENVIRONMENT, StreamProperties.PREFIX)
        .gateway(gateway)
        .database(jdbcUrl)
        .property("datasources.default.maximum-pool-size", 8)
        .property("engine.stream.host", "127.0.0.1")
        .property("engine.stream.port", 0)
        .property("engine.stream.hook-timeout", "5s")
        .property("engine.stream.events.poll-interval", "200ms")
        .property("engine.stream.events.retry-initial-delay", "50ms")
        .property("engine.stream.events.retry-max-delay", "300ms")
        .settings();
  }

  /** Starts a replica and waits until it is connected to the gateway and its feed listens. */
  static ApplicationContext start(Map<String, Object> properties) {
    ApplicationContext context =
        ServiceApplication.context(StreamService.ENVIRONMENT).properties(properties).start();
    EngineWorker worker = context.getBean(EngineWorker.class);
    ChangeFeed feed = context.getBean(ChangeFeed.class);
    await("stream replica ready")
        .atMost(Duration.ofSeconds(20))
        .until(() -> worker.isConnected() && feed.connected());
    return context;
  }

  /**
   * A test class's set-up: a gateway, a stream service on the database at {@code jdbcUrl}, and a
   * client worker named {@code clientName} that has seen the service answer.
   */
  static ServiceWithClient withClient(String jdbcUrl, String clientName) throws Exception {
    return ServiceWithClient.start(
        gateway -> start(properties(gateway, jdbcUrl)), clientName, "stream::list_all");
  }

  /** The client WebSocket URL of a replica. */
  static URI clientUrl(ApplicationContext context) {
    return URI.create("ws://127.0.0.1:" + context.getBean(StreamSocketServer.class).port() + "/");
  }
}

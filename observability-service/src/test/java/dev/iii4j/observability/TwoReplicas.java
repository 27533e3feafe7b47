package dev.iii4j.observability;

import static org.awaitility.Awaitility.await;

import dev.iii4j.observability.config.ObservabilityProperties;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.testing.Calls;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The set-up of a test class that calls the service through the real stack with two replicas on one
 * database: a {@link GatewayHarness}, both replicas connected to it, and a client worker (with the
 * service token) started once the service's functions are registered. Closing it stops all of them.
 * Calls go through test-fixtures' {@link Calls}.
 */
final class TwoReplicas implements AutoCloseable {
  private final GatewayHarness gateway;
  private final List<ApplicationContext> replicas;
  private final EngineWorker client;

  private TwoReplicas(
      GatewayHarness gateway, List<ApplicationContext> replicas, EngineWorker client) {
    this.gateway = gateway;
    this.replicas = replicas;
    this.client = client;
  }

  /**
   * Starts a gateway and two replicas on a new database named after {@code database}, with {@code
   * properties} on top of the service's own; waits until both are connected and {@code
   * readyFunction} is registered; then starts a client worker named {@code clientName}, after
   * {@code beforeStart} registered on it what it serves.
   */
  static TwoReplicas start(
      String database,
      Map<String, ?> properties,
      String readyFunction,
      String clientName,
      Consumer<EngineWorker> beforeStart)
      throws Exception {
    GatewayHarness gateway = GatewayHarness.start();
    List<ApplicationContext> replicas = new ArrayList<>();
    try {
      String db = PostgresFixture.instance().createDatabase(database);
      for (int i = 0; i < 2; i++) {
        replicas.add(
            ServiceHarness.service(Application.ENVIRONMENT, ObservabilityProperties.PREFIX)
                .gateway(gateway)
                .database(db)
                .property("datasources.default.maximum-pool-size", 3)
                .properties(properties)
                .start());
      }
      for (ApplicationContext replica : replicas) {
        EngineWorker worker = replica.getBean(EngineWorker.class);
        await().atMost(Duration.ofSeconds(20)).until(worker::isConnected);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> gateway.hasFunction(readyFunction));
      EngineWorker client = gateway.serviceWorker(clientName);
      beforeStart.accept(client);
      client.start().get(10, TimeUnit.SECONDS);
      return new TwoReplicas(gateway, replicas, client);
    } catch (Exception | Error e) {
      replicas.forEach(ApplicationContext::close);
      gateway.close();
      throw e;
    }
  }

  GatewayHarness gateway() {
    return gateway;
  }

  EngineWorker client() {
    return client;
  }

  /** The result of a call by the client ({@link Calls#call}); fails on an error answer. */
  JsonNode call(String function, String json) {
    try {
      return Calls.call(client, function, json);
    } catch (Exception e) {
      throw new IllegalStateException(
          function + " " + json + ": " + (e.getCause() == null ? e : e.getCause()), e);
    }
  }

  /** Closes {@code stack} when it was started (for an {@code @AfterAll} after a failed start). */
  static void close(TwoReplicas stack) {
    if (stack != null) {
      stack.close();
    }
  }

  @Override
  public void close() {
    client.close();
    replicas.forEach(ApplicationContext::close);
    gateway.close();
  }
}

package dev.iii4j.http;

import static dev.iii4j.http.HttpServiceInstance.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.TriggerRef;
import dev.iii4j.service.SerdeHandler;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.ManagementEndpoints;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Several replicas, readiness, and the gateway going away or restarting. */
class HttpReplicasTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyReplicaServesEveryRouteIncludingOnesRegisteredBeforeItStarted() throws Exception {
    try (GatewayHarness gateway = GatewayHarness.start();
        HttpServiceInstance first = HttpServiceInstance.start(gateway, Map.of())) {
      EngineWorker client = gateway.worker("replica-client");
      client.start().get(10, TimeUnit.SECONDS);
      HttpTriggerTest.HelloRoute hello = HttpTriggerTest.helloRoute(client, first, "replicas");
      String path = hello.path();
      TriggerRef trigger = hello.trigger();
      try (HttpServiceInstance second = HttpServiceInstance.start(gateway, Map.of())) {
        HttpTriggerTest.awaitRoute(second, trigger);
        for (HttpServiceInstance replica : new HttpServiceInstance[] {first, second}) {
          HttpResponse<String> response = get(replica.uri(path + "/ann"));
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.body()).isEqualTo("{\"hello\":{\"who\":\"ann\"}}");
        }
        trigger.unregister();
        for (HttpServiceInstance replica : new HttpServiceInstance[] {first, second}) {
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> get(replica.uri(path + "/ann")).statusCode() == 404);
        }
      }
    }
  }

  @Test
  void afterAGatewayRestartStreamedResponsesUseTheNewConnectionsMint() throws Exception {
    try (GatewayHarness gateway = GatewayHarness.start();
        HttpServiceInstance service =
            HttpServiceInstance.start(gateway, Map.of("engine.http.request-timeout", "3s"))) {
      EngineWorker client = gateway.worker("restart-client");
      client.start().get(10, TimeUnit.SECONDS);
      try (Channels channels = new Channels(client)) {
        String path = "/restart-stream/" + UUID.randomUUID();
        // Streams its answer through the request's response channel: a channel minted by
        // http-service under the mint of its current gateway connection.
        client.registerFunction(
            "test::restart::stream",
            channels
                .respondingWith(
                    List.of(
                        "{\"type\":\"set_status\",\"status_code\":206}",
                        "streamed".getBytes(StandardCharsets.UTF_8)))
                .sdk());
        TriggerRef trigger =
            client.registerTrigger(
                "http", "test::restart::stream", SerdeTrees.sdk(json("api_path", path)));
        HttpTriggerTest.awaitRoute(service, trigger);
        HttpResponse<String> before = get(service.uri(path));
        assertThat(before.statusCode()).isEqualTo(206);
        assertThat(before.body()).isEqualTo("streamed");

        // A new gateway knows none of the former connection's mints: http-service must register
        // a new one on its new connection, or the handler's channel is refused and the request
        // ends in a 504.
        gateway.restart();
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  HttpResponse<String> after = get(service.uri(path));
                  assertThat(after.statusCode()).isEqualTo(206);
                  assertThat(after.body()).isEqualTo("streamed");
                });
      }
    }
  }

  @Test
  void readinessAndRequestsReflectTheGatewayConnection() throws Exception {
    try (GatewayHarness gateway = GatewayHarness.start();
        TcpProxy proxy = new TcpProxy(gateway.port());
        HttpServiceInstance service =
            HttpServiceInstance.start(
                gateway,
                Map.of("engine.http.gateway-url", "ws://127.0.0.1:" + proxy.port() + "/"))) {
      EngineWorker client = gateway.worker("health-client");
      client.start().get(10, TimeUnit.SECONDS);
      String path = "/health-route/" + UUID.randomUUID();
      client.registerFunction(
          "test::health::ok", SerdeHandler.sync(in -> json("body", "ok")).sdk());
      TriggerRef trigger =
          client.registerTrigger(
              "http", "test::health::ok", SerdeTrees.sdk(json("api_path", path)));
      HttpTriggerTest.awaitRoute(service, trigger);

      EmbeddedServer management = service.context.getBean(EmbeddedServer.class).start();
      URI readiness = management.getURI().resolve("/health/readiness");
      await().atMost(Duration.ofSeconds(15)).until(() -> get(readiness).statusCode() == 200);
      assertThat(get(readiness).body()).contains("\"gateway_connected\":true");
      assertThat(ManagementEndpoints.deviations(management)).isEmpty();
      assertThat(get(service.uri(path)).statusCode()).isEqualTo(200);

      // The gateway and the trigger's worker stay up; only this replica loses its connection.
      proxy.close();
      await().atMost(Duration.ofSeconds(15)).until(() -> get(readiness).statusCode() == 503);
      HttpResponse<String> unavailable = get(service.uri(path));
      assertThat(unavailable.statusCode()).isEqualTo(503);
      assertThat(unavailable.body()).contains("\"code\":\"SERVICE_UNAVAILABLE\"");
    }
  }
}

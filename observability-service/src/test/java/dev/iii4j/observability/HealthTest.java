package dev.iii4j.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.observability.config.ObservabilityProperties;
import dev.iii4j.service.ServiceApplication;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.ManagementEndpoints;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Readiness covers the database and the gateway connection. */
class HealthTest {

  @Test
  void readinessReportsTheDatabaseAndTheGatewayConnection() throws Exception {
    GatewayHarness gateway = GatewayHarness.start();
    Map<String, Object> properties =
        ServiceHarness.service(Application.ENVIRONMENT, ObservabilityProperties.PREFIX)
            .gateway(gateway)
            .database(PostgresFixture.instance().createDatabase("observability_health"))
            .settings();
    try (ApplicationContext context =
            ServiceApplication.context(Application.ENVIRONMENT).properties(properties).start();
        HttpClient http = HttpClient.newHttpClient()) {
      EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
      URI readiness = server.getURI().resolve("/health/readiness");
      HttpResponse<String>[] last = new HttpResponse[1];
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                last[0] =
                    http.send(
                        HttpRequest.newBuilder(readiness).build(),
                        HttpResponse.BodyHandlers.ofString());
                return last[0].statusCode() == 200;
              });
      assertThat(last[0].body()).contains("\"gateway\"").contains("jdbc");
      assertThat(ManagementEndpoints.deviations(server)).isEmpty();

      gateway.close();
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  http.send(
                              HttpRequest.newBuilder(readiness).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .statusCode()
                      == 503);
    } finally {
      gateway.close();
    }
  }
}

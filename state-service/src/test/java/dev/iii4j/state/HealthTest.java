package dev.iii4j.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.ManagementEndpoints;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Readiness covers the database and the gateway connection. */
class HealthTest {

  @Test
  void readinessReportsTheDatabaseAndTheGatewayConnection() throws Exception {
    GatewayHarness gateway = GatewayHarness.start();
    Map<String, Object> properties =
        StateServiceInstance.properties(
            gateway, PostgresFixture.instance().createDatabase("state_health"));
    try (ApplicationContext context = StateServiceInstance.start(properties)) {
      EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
      assertThat(ManagementEndpoints.awaitReadiness(server, 200).body())
          .contains("\"gateway\"")
          .contains("jdbc");
      assertThat(ManagementEndpoints.deviations(server)).isEmpty();
      assertThat(ManagementEndpoints.get(server, "/prometheus").body())
          .contains("iii_state_events_pending 0.0")
          .contains("hikaricp_connections");

      gateway.close();
      ManagementEndpoints.awaitReadiness(server, 503);
    } finally {
      gateway.close();
    }
  }
}

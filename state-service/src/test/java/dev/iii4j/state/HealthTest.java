package dev.iii4j.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.ManagementEndpoints;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

/** Readiness covers the database and the gateway connection. */
class HealthTest {

  @Test
  void readinessReportsTheDatabaseAndTheGatewayConnection() throws Exception {
    String db = PostgresFixture.instance().createDatabase("state_health");
    try (GatewayHarness gateway = GatewayHarness.start();
        ApplicationContext context =
            StateServiceInstance.start(StateServiceInstance.properties(gateway, db))) {
      ManagementEndpoints.readinessFollowsTheGateway(
          context,
          gateway,
          (server, readiness) -> {
            assertThat(readiness).contains("\"gateway\"").contains("jdbc");
            assertThat(ManagementEndpoints.get(server, "/prometheus").body())
                .contains("iii_state_events_pending 0.0")
                .contains("hikaricp_connections");
          });
    }
  }
}

package dev.iii4j.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.testing.ManagementEndpoints;
import dev.iii4j.testing.PostgresFixture;
import org.junit.jupiter.api.Test;

/** Readiness covers the database and the gateway connection. */
class HealthTest {

  @Test
  void readinessReportsTheDatabaseAndTheGatewayConnection() throws Exception {
    String db = PostgresFixture.instance().createDatabase("state_health");
    ManagementEndpoints.readinessFollowsTheGateway(
        gateway -> StateServiceInstance.start(StateServiceInstance.properties(gateway, db)),
        (service, server, readiness) -> {
          assertThat(readiness).contains("\"gateway\"").contains("jdbc");
          assertThat(ManagementEndpoints.get(server, "/prometheus").body())
              .contains("iii_state_events_pending 0.0")
              .contains("hikaricp_connections");
        });
  }
}

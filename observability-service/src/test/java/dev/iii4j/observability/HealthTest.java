package dev.iii4j.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.observability.config.ObservabilityProperties;
import dev.iii4j.service.ServiceApplication;
import dev.iii4j.testing.ManagementEndpoints;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceHarness;
import org.junit.jupiter.api.Test;

/** Readiness covers the database and the gateway connection. */
class HealthTest {

  @Test
  void readinessReportsTheDatabaseAndTheGatewayConnection() throws Exception {
    String db = PostgresFixture.instance().createDatabase("observability_health");
    ManagementEndpoints.readinessFollowsTheGateway(
        gateway ->
            ServiceApplication.context(Application.ENVIRONMENT)
                .properties(
                    ServiceHarness.service(Application.ENVIRONMENT, ObservabilityProperties.PREFIX)
                        .gateway(gateway)
                        .database(db)
                        .settings())
                .start(),
        (service, server, readiness) ->
            assertThat(readiness).contains("\"gateway\"").contains("jdbc"));
  }
}

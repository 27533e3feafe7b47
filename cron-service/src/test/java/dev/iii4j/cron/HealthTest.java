package dev.iii4j.cron;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.service.ServiceApplication;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.ManagementEndpoints;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

/** Readiness covers the database and the gateway connection. */
class HealthTest {

  @Test
  void readinessReportsTheDatabaseAndTheGatewayConnection() throws Exception {
    String db = PostgresFixture.instance().createDatabase("cron_health");
    try (GatewayHarness gateway = GatewayHarness.start();
        ApplicationContext context =
            ServiceApplication.context(CronScheduler.ENVIRONMENT)
                .properties(CronServiceInstance.properties(gateway, db))
                .start()) {
      ManagementEndpoints.readinessFollowsTheGateway(
          context,
          gateway,
          (server, readiness) -> assertThat(readiness).contains("\"gateway\"").contains("jdbc"));
    }
  }
}

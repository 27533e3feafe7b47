package dev.iii4j.cron;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.service.ServiceApplication;
import dev.iii4j.testing.ManagementEndpoints;
import dev.iii4j.testing.PostgresFixture;
import org.junit.jupiter.api.Test;

/** Readiness covers the database and the gateway connection. */
class HealthTest {

  @Test
  void readinessReportsTheDatabaseAndTheGatewayConnection() throws Exception {
    String db = PostgresFixture.instance().createDatabase("cron_health");
    ManagementEndpoints.readinessFollowsTheGateway(
        gateway ->
            ServiceApplication.context(CronScheduler.ENVIRONMENT)
                .properties(CronServiceInstance.properties(gateway, db))
                .start(),
        (service, server, readiness) ->
            assertThat(readiness).contains("\"gateway\"").contains("jdbc"));
  }
}

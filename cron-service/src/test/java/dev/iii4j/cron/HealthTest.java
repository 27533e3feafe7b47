package dev.iii4j.cron;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.service.ServiceApplication;
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
        CronServiceInstance.properties(
            gateway, PostgresFixture.instance().createDatabase("cron_health"));
    try (ApplicationContext context =
        ServiceApplication.context(CronScheduler.ENVIRONMENT).properties(properties).start()) {
      EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
      assertThat(ManagementEndpoints.awaitReadiness(server, 200).body())
          .contains("\"gateway\"")
          .contains("jdbc");
      assertThat(ManagementEndpoints.deviations(server)).isEmpty();

      gateway.close();
      ManagementEndpoints.awaitReadiness(server, 503);
    } finally {
      gateway.close();
    }
  }
}

package dev.iii4j.cron;

import dev.iii4j.cron.config.CronProperties;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceHarness;
import org.junit.jupiter.api.Test;

/**
 * {@code MICRONAUT_ENVIRONMENTS=prod} (a common setting) must not switch the service off: started
 * through its entry point with it, the service still loads its own configuration and registers with
 * the gateway.
 */
class ProdEnvironmentTest {

  @Test
  void startsWithItsConfigurationWhenMicronautEnvironmentsIsProd() {
    try (GatewayHarness gateway = GatewayHarness.start()) {
      ServiceHarness.service(CronScheduler.ENVIRONMENT, CronProperties.PREFIX)
          .gateway(gateway)
          .database(PostgresFixture.instance().createDatabase("cron_prod"))
          .startUnderProd(
              Application.builder(), "cron-service", () -> gateway.hasTriggerType("cron"))
          .close();
    }
  }
}

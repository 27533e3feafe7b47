package dev.iii4j.observability;

import dev.iii4j.observability.config.ObservabilityProperties;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceHarness;
import org.junit.jupiter.api.Test;

/**
 * {@code MICRONAUT_ENVIRONMENTS=prod} must not switch the service off: started through its entry
 * point with it, the service still loads its own configuration and registers with the gateway.
 */
class ProdEnvironmentTest {

  @Test
  void startsWithItsConfigurationWhenMicronautEnvironmentsIsProd() {
    try (GatewayHarness gateway = GatewayHarness.start()) {
      ServiceHarness.service(Application.ENVIRONMENT, ObservabilityProperties.PREFIX)
          .gateway(gateway)
          .database(PostgresFixture.instance().createDatabase("observability_prod"))
          .startUnderProd(
              Application.builder(),
              "observability-service",
              () -> gateway.hasFunction("engine::traces::list"))
          .close();
    }
  }
}

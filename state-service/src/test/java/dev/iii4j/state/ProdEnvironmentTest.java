package dev.iii4j.state;

import dev.iii4j.state.config.StateProperties;
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
      ServiceHarness.service(StateService.ENVIRONMENT, StateProperties.PREFIX)
          .gateway(gateway)
          .database(PostgresFixture.instance().createDatabase("state_prod"))
          .startUnderProd(
              Application.builder(), "state-service", () -> gateway.hasFunction("state::get"))
          .close();
    }
  }
}

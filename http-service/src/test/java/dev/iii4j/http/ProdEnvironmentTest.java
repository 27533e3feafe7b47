package dev.iii4j.http;

import dev.iii4j.http.config.HttpServiceProperties;
import dev.iii4j.testing.GatewayHarness;
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
      ServiceHarness.service(Application.ENVIRONMENT, HttpServiceProperties.PREFIX)
          .gateway(gateway)
          .property("engine.http.host", "127.0.0.1")
          .property("engine.http.port", 0)
          .startUnderProd(
              Application.builder(), "http-service", () -> gateway.hasTriggerType("http"))
          .close();
    }
  }
}

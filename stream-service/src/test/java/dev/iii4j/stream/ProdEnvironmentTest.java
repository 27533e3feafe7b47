package dev.iii4j.stream;

import dev.iii4j.stream.config.StreamProperties;
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
      ServiceHarness.service(StreamService.ENVIRONMENT, StreamProperties.PREFIX)
          .gateway(gateway)
          .database(PostgresFixture.instance().createDatabase("stream_prod"))
          .property("engine.stream.host", "127.0.0.1")
          .property("engine.stream.port", 0)
          .startUnderProd(
              Application.builder(), "stream-service", () -> gateway.hasFunction("stream::get"))
          .close();
    }
  }
}

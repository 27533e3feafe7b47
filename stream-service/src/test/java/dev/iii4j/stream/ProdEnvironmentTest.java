package dev.iii4j.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.stream.config.StreamProperties;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code MICRONAUT_ENVIRONMENTS=prod} (a common setting) must not switch the service off: started
 * through its entry point with it, the service still loads its own configuration and registers with
 * the gateway.
 */
class ProdEnvironmentTest {

  @Test
  void startsWithItsConfigurationWhenMicronautEnvironmentsIsProd() {
    try (GatewayHarness gateway = GatewayHarness.start();
        ApplicationContext service =
            ServiceHarness.withMicronautEnvironments(
                "prod",
                () ->
                    ServiceHarness.service(StreamService.ENVIRONMENT, StreamProperties.PREFIX)
                        .gateway(gateway)
                        .database(PostgresFixture.instance().createDatabase("stream_prod"))
                        .property("engine.stream.host", "127.0.0.1")
                        .property("engine.stream.port", 0)
                        .start(Application.builder()))) {
      assertThat(service.getEnvironment().getActiveNames())
          .contains("prod", StreamService.ENVIRONMENT);
      assertThat(service.getProperty("micronaut.application.name", String.class))
          .contains("stream-service");
      await("registered with the gateway")
          .atMost(Duration.ofSeconds(30))
          .until(() -> gateway.hasFunction("stream::get"));
    }
  }
}

package dev.iii4j.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.queue.config.QueueServiceProperties;
import dev.iii4j.testing.GatewayHarness;
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
                    ServiceHarness.service(Application.ENVIRONMENT, QueueServiceProperties.PREFIX)
                        .gateway(gateway)
                        .kafka()
                        .property("engine.queue.topic-prefix", QueueTestSupport.prefix())
                        .property("kafka.health.enabled", false)
                        .start(Application.builder()))) {
      assertThat(service.getEnvironment().getActiveNames())
          .contains("prod", Application.ENVIRONMENT);
      assertThat(service.getProperty("micronaut.application.name", String.class))
          .contains("queue-service");
      await("registered with the gateway")
          .atMost(Duration.ofSeconds(30))
          .until(() -> gateway.hasFunction("engine::queue::enqueue"));
    }
  }
}

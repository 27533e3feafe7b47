package dev.iii4j.queue;

import dev.iii4j.queue.config.QueueServiceProperties;
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
      ServiceHarness.service(Application.ENVIRONMENT, QueueServiceProperties.PREFIX)
          .gateway(gateway)
          .kafka()
          .property("engine.queue.topic-prefix", QueueTestSupport.prefix())
          .property("kafka.health.enabled", false)
          .startUnderProd(
              Application.builder(),
              "queue-service",
              () -> gateway.hasFunction("engine::queue::enqueue"))
          .close();
    }
  }
}

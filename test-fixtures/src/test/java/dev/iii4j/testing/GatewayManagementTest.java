package dev.iii4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's management server passes the same check as every service's. */
class GatewayManagementTest {

  @Test
  void answersOnlyHealthAndPrometheusOnLoopback() throws Exception {
    try (ApplicationContext context =
        ApplicationContext.run(
                EmbeddedServer.class,
                Map.of(
                    "engine.gateway.port", 0,
                    "engine.gateway.host", "127.0.0.1",
                    "micronaut.server.port", -1))
            .getApplicationContext()) {
      assertThat(ManagementEndpoints.deviations(context.getBean(EmbeddedServer.class))).isEmpty();
    }
  }
}

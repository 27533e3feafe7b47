package dev.iii4j.state;

import dev.iii4j.service.ServiceApplication;
import dev.iii4j.state.config.StateProperties;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.ServiceHarness;
import dev.iii4j.testing.ServiceWithClient;
import io.micronaut.context.ApplicationContext;
import java.util.Map;

/** Starts state-service contexts against a {@link GatewayHarness} and a test database. */
final class StateServiceInstance {
  private StateServiceInstance() {}

  /** Properties of a state service for {@code gateway} and the database at {@code jdbcUrl}. */
  static Map<String, Object> properties(GatewayHarness gateway, String jdbcUrl) {
    return harness(gateway, jdbcUrl).settings();
  }

  /** A state service for {@code gateway} and the database at {@code jdbcUrl}, quick to retry. */
  static ServiceHarness harness(GatewayHarness gateway, String jdbcUrl) {
    return ServiceHarness.service(StateService.ENVIRONMENT, StateProperties.PREFIX)
        .gateway(gateway)
        .database(jdbcUrl)
        .property("datasources.default.maximum-pool-size", 12)
        .property("engine.state.events.poll-interval", "200ms")
        .property("engine.state.events.retry-initial-delay", "50ms")
        .property("engine.state.events.retry-max-delay", "300ms");
  }

  static ApplicationContext start(Map<String, Object> properties) {
    return ServiceApplication.context(StateService.ENVIRONMENT).properties(properties).start();
  }

  /**
   * A test class's set-up: a gateway, a state service on the database at {@code jdbcUrl}, and a
   * client worker named {@code clientName} that has seen the service answer.
   */
  static ServiceWithClient withClient(String jdbcUrl, String clientName) throws Exception {
    return ServiceWithClient.start(
        gateway -> start(properties(gateway, jdbcUrl)), clientName, "state::list_groups");
  }
}

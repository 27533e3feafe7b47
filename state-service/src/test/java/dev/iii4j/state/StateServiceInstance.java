package dev.iii4j.state;

import dev.iii4j.testing.EngineTestProperties;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.Map;

/** Starts state-service contexts against a {@link GatewayHarness} and a test database. */
final class StateServiceInstance {
  private StateServiceInstance() {}

  /** Properties of a state service for {@code gateway} and the database at {@code jdbcUrl}. */
  static Map<String, Object> properties(GatewayHarness gateway, String jdbcUrl) {
    Map<String, Object> p = new HashMap<>();
    PostgresFixture postgres = PostgresFixture.instance();
    p.put(EngineTestProperties.DATASOURCE_URL, jdbcUrl);
    p.put(EngineTestProperties.DATASOURCE_USERNAME, postgres.username());
    p.put(EngineTestProperties.DATASOURCE_PASSWORD, postgres.password());
    p.put(EngineTestProperties.DATASOURCE_DRIVER, PostgresFixture.DRIVER_CLASS_NAME);
    p.put("flyway.datasources.default.enabled", true);
    p.put("datasources.default.maximum-pool-size", 12);
    p.put("engine.state.gateway-url", gateway.url().toString());
    p.put("engine.state.service-token", gateway.serviceToken());
    p.put("engine.state.reconnect-max-delay", "500ms");
    p.put("engine.state.events.poll-interval", "200ms");
    p.put("engine.state.events.retry-initial-delay", "50ms");
    p.put("engine.state.events.retry-max-delay", "300ms");
    p.put("micronaut.server.port", -1);
    return p;
  }

  static ApplicationContext start(Map<String, Object> properties) {
    return ApplicationContext.builder()
        .environments(StateService.ENVIRONMENT)
        .properties(properties)
        .start();
  }
}

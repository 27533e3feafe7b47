package dev.iii4j.gateway.ws;

import dev.iii4j.gateway.config.GatewayProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.Map;
import org.reactivestreams.Publisher;

/** Ready while the worker listener accepts connections; reports its port. */
@Singleton
@Requires(property = GatewayProperties.ENABLED, notEquals = "false")
@Readiness
final class ListenerHealthIndicator implements HealthIndicator {
  private final WorkerListener listener;

  ListenerHealthIndicator(WorkerListener listener) {
    this.listener = listener;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    return Publishers.just(
        HealthResult.builder(
                "worker-listener", listener.accepting() ? HealthStatus.UP : HealthStatus.DOWN)
            .details(Map.of("port", listener.port()))
            .build());
  }
}

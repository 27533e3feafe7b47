package dev.iii4j.service;

import dev.iii4j.sdk.EngineWorker;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Readiness of a built-in service's gateway connection: UP while its {@link EngineWorker} is
 * connected, with the gateway URL, whether it is connected and the current worker id. Present in
 * every context that has an {@code EngineWorker} bean (each service makes one in its own
 * environment).
 */
@Singleton
@Readiness
@Requires(beans = EngineWorker.class)
public final class GatewayHealthIndicator implements HealthIndicator {
  private final EngineWorker worker;

  GatewayHealthIndicator(EngineWorker worker) {
    this.worker = worker;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("url", worker.options().engineUrl().toString());
    details.put("gateway_connected", worker.isConnected());
    worker.workerId().ifPresent(id -> details.put("worker_id", id));
    return Publishers.just(
        HealthResult.builder("gateway", worker.isConnected() ? HealthStatus.UP : HealthStatus.DOWN)
            .details(details)
            .build());
  }
}

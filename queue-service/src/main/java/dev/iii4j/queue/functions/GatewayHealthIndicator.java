package dev.iii4j.queue.functions;

import dev.iii4j.queue.Application;
import dev.iii4j.sdk.EngineWorker;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Ready while the service is connected to the gateway (Kafka's own check comes from
 * micronaut-kafka's health indicator).
 */
@Requires(env = Application.ENVIRONMENT)
@Singleton
@Readiness
final class GatewayHealthIndicator implements HealthIndicator {
  private final EngineWorker worker;

  GatewayHealthIndicator(EngineWorker worker) {
    this.worker = worker;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    return Publishers.just(
        HealthResult.builder("gateway", worker.isConnected() ? HealthStatus.UP : HealthStatus.DOWN)
            .details(
                Map.of(
                    "url",
                    worker.options().engineUrl().toString(),
                    "worker_id",
                    worker.workerId().orElse("")))
            .build());
  }
}

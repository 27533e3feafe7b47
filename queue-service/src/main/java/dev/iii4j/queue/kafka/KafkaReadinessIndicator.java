package dev.iii4j.queue.kafka;

import dev.iii4j.queue.Application;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * Ready while the Kafka cluster answers this service's admin client. micronaut-kafka's own {@code
 * kafka} indicator reports the cluster in {@code /health}; this one puts Kafka into {@code
 * /health/readiness}.
 */
@Requires(env = Application.ENVIRONMENT)
@Singleton
@Readiness
final class KafkaReadinessIndicator implements HealthIndicator {
  private final KafkaQueueBackend backend;

  KafkaReadinessIndicator(KafkaQueueBackend backend) {
    this.backend = backend;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    return Publishers.just(
        HealthResult.builder(
                "queue-kafka", backend.reachable() ? HealthStatus.UP : HealthStatus.DOWN)
            .build());
  }
}

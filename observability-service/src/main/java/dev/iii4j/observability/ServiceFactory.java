package dev.iii4j.observability;

import dev.iii4j.observability.config.ObservabilityProperties;
import dev.iii4j.service.GatewayConnection;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/**
 * Wires the service: its gateway connection (service-support's {@code EngineWorkerFactory} turns it
 * into the SDK worker) and the trace queries over the store.
 */
@Factory
@Requires(env = Application.ENVIRONMENT)
final class ServiceFactory {

  @Singleton
  GatewayConnection gatewayConnection(Environment environment) {
    return GatewayConnection.bind(
        environment, ObservabilityProperties.PREFIX, Application.ENVIRONMENT);
  }

  @Singleton
  TraceQueries traceQueries(TelemetryStore store) {
    return new TraceQueries(store);
  }
}

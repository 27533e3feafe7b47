package dev.iii4j.queue;

import dev.iii4j.queue.config.QueueServiceProperties;
import dev.iii4j.service.GatewayConnection;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/**
 * Wires the service: its gateway connection (service-support's {@code EngineWorkerFactory} turns it
 * into the SDK worker).
 */
@Factory
@Requires(env = Application.ENVIRONMENT)
final class ServiceFactory {

  @Singleton
  GatewayConnection gatewayConnection(Environment environment) {
    return GatewayConnection.bind(
        environment, QueueServiceProperties.PREFIX, Application.ENVIRONMENT);
  }
}

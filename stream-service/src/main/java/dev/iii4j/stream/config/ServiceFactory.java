package dev.iii4j.stream.config;

import dev.iii4j.service.GatewayConnection;
import dev.iii4j.stream.StreamService;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/**
 * Wires the service: its gateway connection (service-support's {@code EngineWorkerFactory} turns it
 * into the SDK worker).
 */
@Factory
@Requires(env = StreamService.ENVIRONMENT)
final class ServiceFactory {

  @Singleton
  GatewayConnection gatewayConnection(Environment environment) {
    return GatewayConnection.bind(environment, StreamProperties.PREFIX, StreamService.ENVIRONMENT);
  }
}

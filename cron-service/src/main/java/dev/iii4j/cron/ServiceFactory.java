package dev.iii4j.cron;

import dev.iii4j.cron.config.CronProperties;
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
@Requires(env = CronScheduler.ENVIRONMENT)
final class ServiceFactory {

  @Singleton
  GatewayConnection gatewayConnection(Environment environment, CronProperties properties) {
    return GatewayConnection.bind(environment, CronProperties.PREFIX, CronScheduler.ENVIRONMENT)
        // Fires wait for their handler as the reference does; this only bounds a lost answer.
        .withInvocationTimeout(properties.handlerTimeout());
  }
}

package dev.iii4j.service;

import dev.iii4j.sdk.EngineWorker;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * The SDK's {@link EngineWorker} as a bean, for every built-in service: present in each context
 * whose service supplies a {@link GatewayConnection} (its own factory does, in its environment).
 * The worker is closed with the context and not started here: each service registers its functions
 * and trigger types first, then starts it.
 */
@Factory
final class EngineWorkerFactory {

  @Singleton
  @Requires(beans = GatewayConnection.class)
  @Bean(preDestroy = "close")
  EngineWorker engineWorker(GatewayConnection connection) {
    return EngineWorker.create(connection.options().build());
  }
}

package dev.iii4j.queue.config;

import dev.iii4j.queue.Application;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.WorkerOptions;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;

/**
 * Turns the worker SDK into a bean: one connection to the gateway, presenting the service token,
 * closed when the context stops. It is not started here; the functions package registers on it
 * first and then starts it.
 */
@Requires(env = Application.ENVIRONMENT)
@Factory
final class WorkerFactory {

  @Singleton
  @Bean(preDestroy = "close")
  EngineWorker engineWorker(QueueServiceProperties properties, ObjectMapper objectMapper) {
    WorkerOptions.Builder options =
        WorkerOptions.builder(properties.gatewayUrl())
            .workerName(properties.workerName())
            .objectMapper(objectMapper);
    String token = properties.serviceToken();
    if (token != null && !token.isBlank()) {
      options.serviceToken(token);
    }
    return EngineWorker.create(options.build());
  }
}

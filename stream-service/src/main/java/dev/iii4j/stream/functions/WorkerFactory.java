package dev.iii4j.stream.functions;

import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.WorkerOptions;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.config.StreamProperties;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import java.time.Duration;

/** Turns the SDK's {@link EngineWorker} into a bean, connected with the service token. */
@Factory
@Requires(env = StreamService.ENVIRONMENT)
final class WorkerFactory {

  @Singleton
  @Bean(preDestroy = "close")
  EngineWorker engineWorker(StreamProperties properties, ObjectMapper objectMapper) {
    Duration maxDelay = properties.reconnectMaxDelay();
    Duration initial = Duration.ofMillis(Math.min(200, maxDelay.toMillis()));
    WorkerOptions.Builder options =
        WorkerOptions.builder(properties.gatewayUrl())
            .workerName(properties.workerName())
            .objectMapper(objectMapper)
            .reconnectInitialDelay(initial)
            .reconnectMaxDelay(maxDelay);
    if (properties.token() != null) {
      options.serviceToken(properties.token());
    }
    return EngineWorker.create(options.build());
  }
}

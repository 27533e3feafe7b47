package dev.iii4j.stream;

import dev.iii4j.service.GatewayConnection;
import dev.iii4j.service.outbox.EventDispatcher;
import dev.iii4j.service.outbox.EventSink;
import dev.iii4j.service.outbox.OutboxProperties;
import dev.iii4j.stream.config.StreamProperties;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/**
 * Wires the service: its gateway connection (service-support's {@code EngineWorkerFactory} turns it
 * into the SDK worker) and the outbox dispatcher of its trigger events ({@code
 * engine.stream.events.*}, service-support's {@link OutboxProperties}).
 */
@Factory
@Requires(env = StreamService.ENVIRONMENT)
final class ServiceFactory {

  @Singleton
  GatewayConnection gatewayConnection(Environment environment) {
    return GatewayConnection.bind(environment, StreamProperties.PREFIX, StreamService.ENVIRONMENT);
  }

  @Singleton
  @Bean(preDestroy = "stop")
  EventDispatcher<StreamMessage> eventDispatcher(
      StreamStore store, EventSink<StreamMessage> sink, Environment environment) {
    return new EventDispatcher<>(
        "stream",
        store,
        sink,
        OutboxProperties.bind(environment, StreamProperties.PREFIX + ".events"),
        StreamMessage::describe);
  }
}

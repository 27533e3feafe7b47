package dev.iii4j.state;

import dev.iii4j.service.GatewayConnection;
import dev.iii4j.service.outbox.EventDispatcher;
import dev.iii4j.service.outbox.EventSink;
import dev.iii4j.service.outbox.OutboxProperties;
import dev.iii4j.state.config.StateProperties;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/**
 * Wires the service: its gateway connection (service-support's {@code EngineWorkerFactory} turns it
 * into the SDK worker) and the outbox dispatcher of its trigger events ({@code
 * engine.state.events.*}, service-support's {@link OutboxProperties}).
 */
@Factory
@Requires(env = StateService.ENVIRONMENT)
final class ServiceFactory {

  @Singleton
  GatewayConnection gatewayConnection(Environment environment) {
    return GatewayConnection.bind(environment, StateProperties.PREFIX, StateService.ENVIRONMENT);
  }

  @Singleton
  @Bean(preDestroy = "stop")
  EventDispatcher<StateEvent> eventDispatcher(
      StateStore store, EventSink<StateEvent> sink, Environment environment) {
    return new EventDispatcher<>(
        "state",
        store,
        sink,
        OutboxProperties.bind(environment, StateProperties.PREFIX + ".events"),
        StateEvent::describe);
  }
}

package dev.iii4j.state.functions;

import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.outbox.EventSink;
import dev.iii4j.service.outbox.TriggerEventSink;
import dev.iii4j.state.StateEvent;
import dev.iii4j.state.StateService;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * The outbox's {@link EventSink}: service-support's {@link TriggerEventSink} over this service's
 * {@code state} trigger bindings.
 */
@Factory
@Requires(env = StateService.ENVIRONMENT)
final class EventSinkFactory {

  @Singleton
  EventSink<StateEvent> eventSink(EngineWorker worker, StateTriggers triggers) {
    return new TriggerEventSink<>(
        worker, triggers.table(), StateTriggers.TYPE, StateEvent::payload, StateEvent::describe);
  }
}

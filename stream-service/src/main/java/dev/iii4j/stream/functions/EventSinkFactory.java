package dev.iii4j.stream.functions;

import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.outbox.EventSink;
import dev.iii4j.service.outbox.TriggerEventSink;
import dev.iii4j.stream.StreamMessage;
import dev.iii4j.stream.StreamService;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * The outbox's {@link EventSink}: service-support's {@link TriggerEventSink} over this service's
 * {@code stream} trigger bindings.
 */
@Factory
@Requires(env = StreamService.ENVIRONMENT)
final class EventSinkFactory {

  @Singleton
  EventSink<StreamMessage> eventSink(EngineWorker worker, StreamTriggers triggers) {
    return new TriggerEventSink<>(
        worker,
        triggers.table(),
        StreamTriggers.TYPE,
        StreamMessage::toJson,
        StreamMessage::describe);
  }
}

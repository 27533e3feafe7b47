package dev.iii4j.stream.metrics;

import dev.iii4j.service.outbox.OutboxMetrics;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.StreamStore;
import dev.iii4j.stream.clients.ClientHub;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;

/**
 * The stream service's own metrics, scraped at {@code /prometheus}, for this replica: {@code
 * iii_stream_clients_connected}, {@code iii_stream_subscriptions}, {@code
 * iii_stream_messages_received_total} (from the change feed), {@code
 * iii_stream_frames_pushed_total}, {@code iii_stream_clients_cut_off_total} (slow clients
 * disconnected), and {@code iii_stream_events_pending} (trigger events not delivered yet,
 * service-support's {@link OutboxMetrics}).
 */
@Context
@Requires(env = StreamService.ENVIRONMENT)
@Requires(beans = MeterRegistry.class)
final class StreamMetrics {
  StreamMetrics(MeterRegistry registry, ClientHub hub, StreamStore store) {
    Gauge.builder("iii.stream.clients.connected", hub, ClientHub::connected)
        .description("WebSocket clients connected to this replica")
        .register(registry);
    Gauge.builder("iii.stream.subscriptions", hub, ClientHub::subscriptions)
        .description("Subscriptions of the clients connected to this replica")
        .register(registry);
    FunctionCounter.builder("iii.stream.messages.received", hub, ClientHub::messagesTotal)
        .description("Committed messages this replica received from the change feed")
        .register(registry);
    FunctionCounter.builder("iii.stream.frames.pushed", hub, ClientHub::pushedTotal)
        .description("Frames pushed to clients (sync, events, refusals)")
        .register(registry);
    FunctionCounter.builder("iii.stream.clients.cut.off", hub, ClientHub::cutOffTotal)
        .description("Clients disconnected because their buffer exceeded max-buffered-bytes")
        .register(registry);
    OutboxMetrics.register(registry, "stream", store);
  }
}

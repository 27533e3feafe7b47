package dev.iii4j.state.metrics;

import dev.iii4j.service.outbox.OutboxMetrics;
import dev.iii4j.state.StateService;
import dev.iii4j.state.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;

/**
 * The state service's own metrics, scraped at {@code /prometheus}: {@code iii_state_events_pending}
 * counts outbox events not delivered yet (service-support's {@link OutboxMetrics}).
 */
@Context
@Requires(env = StateService.ENVIRONMENT)
@Requires(beans = MeterRegistry.class)
final class StateMetrics {

  StateMetrics(MeterRegistry registry, StateStore store) {
    OutboxMetrics.register(registry, "state", store);
  }
}

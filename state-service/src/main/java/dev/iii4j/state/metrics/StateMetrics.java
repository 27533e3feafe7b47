package dev.iii4j.state.metrics;

import dev.iii4j.state.StateService;
import dev.iii4j.state.StateStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state service's own metrics, scraped at {@code /prometheus}: {@code iii_state_events_pending}
 * counts outbox events not delivered yet (a growing value means trigger targets are unreachable or
 * the dispatcher is behind). Read from the database at each scrape.
 */
@Context
@Requires(env = StateService.ENVIRONMENT)
@Requires(beans = MeterRegistry.class)
final class StateMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(StateMetrics.class);

  StateMetrics(MeterRegistry registry, StateStore store) {
    Gauge.builder("iii.state.events.pending", store, StateMetrics::pending)
        .description("State trigger events committed but not delivered yet")
        .register(registry);
  }

  private static double pending(StateStore store) {
    try {
      return store.undelivered();
    } catch (RuntimeException e) {
      LOG.debug("cannot count pending state events", e);
      return Double.NaN;
    }
  }
}

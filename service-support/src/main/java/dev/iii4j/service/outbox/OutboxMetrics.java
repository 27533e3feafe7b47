package dev.iii4j.service.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's meter, the same for every service that has one: {@code
 * iii_<service>_events_pending}, the trigger events committed but not delivered yet (a growing
 * value means trigger targets are unreachable or the dispatcher is behind), read from the database
 * at each scrape; NaN when the database does not answer.
 */
public final class OutboxMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxMetrics.class);

  private OutboxMetrics() {}

  /**
   * Registers {@code iii.<service>.events.pending} on {@code registry}.
   *
   * @param service the service's name in lower case ({@code state}, {@code stream})
   */
  public static void register(MeterRegistry registry, String service, OutboxStore<?> store) {
    Gauge.builder("iii." + service + ".events.pending", store, s -> pending(s, service))
        .description(
            Character.toUpperCase(service.charAt(0))
                + service.substring(1)
                + " trigger events committed but not delivered yet")
        .register(registry);
  }

  private static double pending(OutboxStore<?> store, String service) {
    try {
      return store.undelivered();
    } catch (RuntimeException e) {
      LOG.debug("cannot count pending {} events", service, e);
      return Double.NaN;
    }
  }
}

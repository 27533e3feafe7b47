package dev.iii4j.observability;

import dev.iii4j.observability.config.ObservabilityProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the store within {@code engine.observability.retention}, {@code max-spans}, {@code
 * max-logs} and {@code max-metrics}. Every replica prunes; the deletes are idempotent.
 */
@Singleton
@Requires(env = Application.ENVIRONMENT)
public class RetentionPruner {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionPruner.class);

  private final TelemetryStore store;
  private final ObservabilityProperties properties;

  RetentionPruner(TelemetryStore store, ObservabilityProperties properties) {
    this.store = store;
    this.properties = properties;
  }

  /** One pruning pass. */
  @Scheduled(
      fixedDelay = "${engine.observability.prune-interval:60s}",
      initialDelay = "${engine.observability.prune-interval:60s}")
  public long prune() {
    try {
      long dropped =
          store.prune(
              properties.retention(),
              properties.maxSpans(),
              properties.maxLogs(),
              properties.maxMetrics());
      if (dropped > 0) {
        LOG.debug("pruned {} spans, log records and metrics", dropped);
      }
      return dropped;
    } catch (TelemetryStoreException e) {
      LOG.warn("pruning failed; next try in {}", properties.pruneInterval(), e);
      return 0;
    }
  }
}

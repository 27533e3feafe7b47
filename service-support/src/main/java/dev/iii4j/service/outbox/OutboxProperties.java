package dev.iii4j.service.outbox;

import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;

/**
 * How a dispatcher delivers, read from {@code <prefix>.*} ({@code engine.state.events.*}, {@code
 * engine.stream.events.*}) with one set of defaults.
 *
 * @param dispatchEnabled false stops this replica from delivering (events stay in the outbox for
 *     other replicas or a later start); {@code dispatch-enabled}, default true
 * @param pollInterval how often the outbox is polled when no local write signals new events; {@code
 *     poll-interval}, default 500ms
 * @param batchSize how many events one round claims; {@code batch-size}, default 64
 * @param retryInitialDelay the first delay after an unreachable target; it doubles per attempt;
 *     {@code retry-initial-delay}, default 200ms
 * @param retryMaxDelay the cap of the retry delay; {@code retry-max-delay}, default 10s
 * @param retryFor how long after its commit an event's unreachable targets are retried before they
 *     are given up (logged); {@code retry-for}, default 5m
 * @param retention how long delivered events are kept for inspection before they are pruned; {@code
 *     retention}, default 1h
 * @param pruneInterval how often delivered events are pruned; {@code prune-interval}, default 1m
 */
public record OutboxProperties(
    boolean dispatchEnabled,
    Duration pollInterval,
    int batchSize,
    Duration retryInitialDelay,
    Duration retryMaxDelay,
    Duration retryFor,
    Duration retention,
    Duration pruneInterval) {

  /** Checks the settings. */
  public OutboxProperties {
    if (batchSize < 1) {
      throw new ConfigurationException(
          "the outbox batch size must be at least 1, was " + batchSize);
    }
  }

  /** The settings under {@code prefix}, defaults where absent. */
  public static OutboxProperties bind(PropertyResolver config, String prefix) {
    return new OutboxProperties(
        config.getProperty(prefix + ".dispatch-enabled", Boolean.class).orElse(true),
        duration(config, prefix + ".poll-interval", Duration.ofMillis(500)),
        config.getProperty(prefix + ".batch-size", Integer.class).orElse(64),
        duration(config, prefix + ".retry-initial-delay", Duration.ofMillis(200)),
        duration(config, prefix + ".retry-max-delay", Duration.ofSeconds(10)),
        duration(config, prefix + ".retry-for", Duration.ofMinutes(5)),
        duration(config, prefix + ".retention", Duration.ofHours(1)),
        duration(config, prefix + ".prune-interval", Duration.ofMinutes(1)));
  }

  private static Duration duration(PropertyResolver config, String key, Duration fallback) {
    return config.getProperty(key, Duration.class).orElse(fallback);
  }

  /** The delay before retry number {@code attempt} (1-based): doubling, capped. */
  public Duration retryDelay(int attempt) {
    long base = retryInitialDelay.toMillis();
    long cap = retryMaxDelay.toMillis();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long delay = base << shift;
    return Duration.ofMillis(delay < 0 || delay > cap ? cap : delay);
  }
}

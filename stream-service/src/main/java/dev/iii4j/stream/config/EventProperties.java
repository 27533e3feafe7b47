package dev.iii4j.stream.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * The dispatcher of {@code stream} trigger events ({@code engine.stream.events.*}).
 *
 * @param dispatchEnabled false stops this replica from delivering (events stay in the outbox for
 *     other replicas or a later start)
 * @param pollInterval how often the outbox is polled when no local write signals new events
 * @param batchSize how many events one round claims
 * @param retryInitialDelay the first delay after an unreachable target; it doubles per attempt
 * @param retryMaxDelay the cap of the retry delay
 * @param retryFor how long after its commit an event's unreachable targets are retried before they
 *     are given up (logged)
 * @param retention how long delivered events are kept for inspection before they are pruned
 * @param pruneInterval how often delivered events are pruned
 */
@ConfigurationProperties(EventProperties.PREFIX)
public record EventProperties(
    @Bindable(defaultValue = "true") boolean dispatchEnabled,
    @Bindable(defaultValue = "500ms") Duration pollInterval,
    @Bindable(defaultValue = "64") @Min(1) int batchSize,
    @Bindable(defaultValue = "200ms") Duration retryInitialDelay,
    @Bindable(defaultValue = "10s") Duration retryMaxDelay,
    @Bindable(defaultValue = "5m") Duration retryFor,
    @Bindable(defaultValue = "1h") Duration retention,
    @Bindable(defaultValue = "1m") Duration pruneInterval) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.stream.events";

  /** The delay before retry number {@code attempt} (1-based): doubling, capped. */
  public Duration retryDelay(int attempt) {
    long base = retryInitialDelay.toMillis();
    long cap = retryMaxDelay.toMillis();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long delay = base << shift;
    return Duration.ofMillis(delay < 0 || delay > cap ? cap : delay);
  }
}

package dev.iii4j.observability.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * What the observability service keeps ({@code engine.observability.*}). The gateway connection
 * ({@code engine.observability.gateway-url}, {@code service-token}, ...) is service-support's
 * {@link dev.iii4j.service.GatewayConnection}.
 *
 * @param maxSpans spans kept at most (the oldest go first); the reference's {@code
 *     memory_max_spans}, larger here since the store is a database shared by every replica
 * @param maxLogs log records kept at most; the reference's {@code logs_max_count}
 * @param maxMetrics SDK metrics kept at most (one per metric of an export, with its data points);
 *     the reference's {@code metrics_max_count}
 * @param retention how long spans, logs and metrics are kept; the reference's {@code
 *     logs_retention_seconds} (one hour)
 * @param pruneInterval how often what is past the bounds is deleted
 * @param alerts the alert rules, a JSON array of the reference's {@code alerts} entries
 * @param alertInterval how often the alert rules are evaluated (the reference: every 10 s)
 */
@ConfigurationProperties(ObservabilityProperties.PREFIX)
public record ObservabilityProperties(
    @Bindable(defaultValue = "100000") int maxSpans,
    @Bindable(defaultValue = "100000") int maxLogs,
    @Bindable(defaultValue = "100000") int maxMetrics,
    @Bindable(defaultValue = "1h") Duration retention,
    @Bindable(defaultValue = "60s") Duration pruneInterval,
    @Bindable(defaultValue = "[]") String alerts,
    @Bindable(defaultValue = "10s") Duration alertInterval) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.observability";
}

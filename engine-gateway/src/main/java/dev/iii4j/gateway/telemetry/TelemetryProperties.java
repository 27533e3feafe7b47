package dev.iii4j.gateway.telemetry;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The gateway's telemetry ({@code engine.gateway.telemetry.*}, environment {@code
 * ENGINE_GATEWAY_TELEMETRY_*}).
 *
 * @param enabled whether the gateway makes spans and forwards telemetry; off, {@code /otel} frames
 *     are discarded, calls carry their caller's {@code traceparent} unchanged, and nothing is
 *     buffered
 * @param buffer spans and frames held for the observability service at most; beyond it they are
 *     dropped and counted in {@code iii_telemetry_dropped_total}
 * @param batch spans and frames forwarded in one invocation at most
 * @param flushInterval how long a partial batch waits before it is forwarded
 * @param inFlight forwarding invocations unanswered at most; while that many are out, the buffer
 *     fills
 */
@ConfigurationProperties(TelemetryProperties.PREFIX)
public record TelemetryProperties(
    @Bindable(defaultValue = "true") boolean enabled,
    @Bindable(defaultValue = "8192") int buffer,
    @Bindable(defaultValue = "512") int batch,
    @Bindable(defaultValue = "200ms") Duration flushInterval,
    @Bindable(defaultValue = "4") int inFlight) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.gateway.telemetry";
}

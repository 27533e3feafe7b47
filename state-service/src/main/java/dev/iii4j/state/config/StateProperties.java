package dev.iii4j.state.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.time.Duration;

/**
 * How the state service connects to the gateway and what it enforces ({@code engine.state.*}).
 *
 * @param gatewayUrl the gateway's worker socket ({@code ENGINE_GATEWAY_URL})
 * @param serviceToken the token that lets this service register {@code state::*} and the {@code
 *     state} trigger type ({@code III_SERVICE_TOKEN}); blank means none
 * @param workerName the name this service reports to the gateway
 * @param reconnectMaxDelay the cap of the SDK's reconnect backoff
 * @param triggersEnabled false turns off all {@code state} trigger fan-out (events are still
 *     recorded, as delivered, for inspection)
 * @param maxValueBytes {@code state::set} rejects values whose JSON is longer; 0 means no limit
 */
@ConfigurationProperties(StateProperties.PREFIX)
public record StateProperties(
    @Bindable(defaultValue = "ws://127.0.0.1:49134/") URI gatewayUrl,
    @Nullable String serviceToken,
    @Bindable(defaultValue = "state-service") @NotBlank String workerName,
    @Bindable(defaultValue = "5s") Duration reconnectMaxDelay,
    @Bindable(defaultValue = "true") boolean triggersEnabled,
    @Bindable(defaultValue = "0") @Min(0) long maxValueBytes) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.state";

  /** The service token, or null when unset or blank. */
  public @Nullable String token() {
    return serviceToken == null || serviceToken.isBlank() ? null : serviceToken.trim();
  }
}

package dev.iii4j.state.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;

/**
 * What the state service enforces ({@code engine.state.*}). The gateway connection ({@code
 * engine.state.gateway-url}, {@code service-token}, {@code worker-name}, {@code
 * reconnect-max-delay}) is service-support's {@link dev.iii4j.service.GatewayConnection}.
 *
 * @param triggersEnabled false turns off all {@code state} trigger fan-out (no events are recorded)
 * @param maxValueBytes {@code state::set} rejects values whose JSON is longer; 0 means no limit
 */
@ConfigurationProperties(StateProperties.PREFIX)
public record StateProperties(
    @Bindable(defaultValue = "true") boolean triggersEnabled,
    @Bindable(defaultValue = "0") @Min(0) long maxValueBytes) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.state";
}

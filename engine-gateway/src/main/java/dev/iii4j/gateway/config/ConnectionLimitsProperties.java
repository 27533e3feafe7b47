package dev.iii4j.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;

/**
 * What one worker connection may hold, bound from {@code engine.gateway.limits.*} (environment:
 * {@code ENGINE_GATEWAY_LIMITS_MAX_FUNCTIONS}, ...). The defaults are far above what any real
 * worker registers (the built-in services register a few dozen ids each), so they only stop a
 * runaway or hostile client from filling the gateway's memory.
 *
 * @param maxFunctions function ids one connection may have registered at once
 * @param maxTriggers trigger bindings one connection may have registered at once
 * @param maxTriggerTypes trigger types one connection may provide
 */
@ConfigurationProperties(ConnectionLimitsProperties.PREFIX)
public record ConnectionLimitsProperties(
    @Bindable(defaultValue = "10000") @Min(1) int maxFunctions,
    @Bindable(defaultValue = "10000") @Min(1) int maxTriggers,
    @Bindable(defaultValue = "1000") @Min(1) int maxTriggerTypes) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.gateway.limits";
}

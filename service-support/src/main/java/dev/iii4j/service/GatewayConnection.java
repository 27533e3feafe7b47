package dev.iii4j.service;

import dev.iii4j.sdk.WorkerOptions;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.value.PropertyResolver;
import java.net.URI;
import java.time.Duration;

/**
 * How a built-in service connects to the gateway: one record and one set of defaults for every
 * service. The settings live under the service's own prefix ({@code engine.state}, {@code
 * engine.queue}, ...), so the keys and environment variables operators already set keep working:
 *
 * <ul>
 *   <li>{@code <prefix>.gateway-url}, default {@value #DEFAULT_GATEWAY_URL} ({@code
 *       ENGINE_GATEWAY_URL} in each service's YAML)
 *   <li>{@code <prefix>.service-token}, none by default ({@code III_SERVICE_TOKEN}); blank means
 *       none
 *   <li>{@code <prefix>.worker-name}, default the service's name
 *   <li>{@code <prefix>.reconnect-max-delay}, default {@code 5s}: the cap of the SDK's reconnect
 *       backoff, which starts at 200 ms (or at the cap when that is shorter)
 * </ul>
 *
 * @param gatewayUrl the gateway's worker socket
 * @param serviceToken the token that lets the service register built-in names; null for none
 * @param workerName the name the service reports to the gateway
 * @param reconnectMaxDelay the cap of the SDK's reconnect backoff
 * @param invocationTimeout the SDK's default call timeout; null keeps the SDK's default
 */
public record GatewayConnection(
    URI gatewayUrl,
    @Nullable String serviceToken,
    String workerName,
    Duration reconnectMaxDelay,
    @Nullable Duration invocationTimeout) {

  /** The gateway URL when none is configured. */
  public static final String DEFAULT_GATEWAY_URL = "ws://127.0.0.1:49134/";

  /** The reconnect backoff cap when none is configured. */
  public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(5);

  /** The first reconnect delay, unless the cap is shorter. */
  public static final Duration RECONNECT_INITIAL_DELAY = Duration.ofMillis(200);

  /** Checks the settings; a blank token becomes null. */
  public GatewayConnection {
    if (workerName == null || workerName.isBlank()) {
      throw new ConfigurationException("the worker name must not be blank");
    }
    if (reconnectMaxDelay == null || reconnectMaxDelay.isNegative() || reconnectMaxDelay.isZero()) {
      throw new ConfigurationException(
          "the reconnect max delay must be positive, was " + reconnectMaxDelay);
    }
    serviceToken = serviceToken == null || serviceToken.isBlank() ? null : serviceToken.trim();
  }

  /**
   * The connection configured under {@code prefix} in {@code config}, with the shared defaults;
   * {@code serviceName} is the default worker name.
   */
  public static GatewayConnection bind(PropertyResolver config, String prefix, String serviceName) {
    return new GatewayConnection(
        config
            .getProperty(prefix + ".gateway-url", URI.class)
            .orElse(URI.create(DEFAULT_GATEWAY_URL)),
        config.getProperty(prefix + ".service-token", String.class).orElse(null),
        config.getProperty(prefix + ".worker-name", String.class).orElse(serviceName),
        config
            .getProperty(prefix + ".reconnect-max-delay", Duration.class)
            .orElse(DEFAULT_RECONNECT_MAX_DELAY),
        null);
  }

  /** The same connection with the SDK's default call timeout set to {@code timeout}. */
  public GatewayConnection withInvocationTimeout(Duration timeout) {
    return new GatewayConnection(gatewayUrl, serviceToken, workerName, reconnectMaxDelay, timeout);
  }

  /** SDK options for this connection (the caller adds the object mapper and anything else). */
  public WorkerOptions.Builder options() {
    Duration initial =
        RECONNECT_INITIAL_DELAY.compareTo(reconnectMaxDelay) < 0
            ? RECONNECT_INITIAL_DELAY
            : reconnectMaxDelay;
    WorkerOptions.Builder options =
        WorkerOptions.builder(gatewayUrl)
            .workerName(workerName)
            .reconnectInitialDelay(initial)
            .reconnectMaxDelay(reconnectMaxDelay);
    if (invocationTimeout != null) {
      options.invocationTimeout(invocationTimeout);
    }
    if (serviceToken != null) {
      options.serviceToken(serviceToken);
    }
    return options;
  }
}

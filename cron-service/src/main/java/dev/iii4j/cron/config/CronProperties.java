package dev.iii4j.cron.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.time.Duration;

/**
 * How the cron service connects to the gateway and keeps its claims ({@code engine.cron.*}).
 *
 * @param gatewayUrl the gateway's worker socket ({@code ENGINE_GATEWAY_URL})
 * @param serviceToken the token that lets this service provide the {@code cron} trigger type
 *     ({@code III_SERVICE_TOKEN}); blank means none
 * @param workerName the name this service reports to the gateway
 * @param reconnectMaxDelay the cap of the SDK's reconnect backoff
 * @param handlerTimeout how long one fire waits for the condition function and for the handler; the
 *     job's next ticks are skipped while it waits, as in the reference
 * @param claimRetention how long claim rows are kept (for inspection, and so that a replica that
 *     wakes up late cannot fire a tick again) before they are pruned
 * @param pruneInterval how often claim rows older than {@code claimRetention} are pruned
 * @param replicaId recorded in each claim this replica takes; empty means the worker name and a
 *     random suffix
 */
@ConfigurationProperties(CronProperties.PREFIX)
public record CronProperties(
    @Bindable(defaultValue = "ws://127.0.0.1:49134/") URI gatewayUrl,
    @Nullable String serviceToken,
    @Bindable(defaultValue = "cron-service") @NotBlank String workerName,
    @Bindable(defaultValue = "5s") Duration reconnectMaxDelay,
    @Bindable(defaultValue = "10m") Duration handlerTimeout,
    @Bindable(defaultValue = "24h") Duration claimRetention,
    @Bindable(defaultValue = "10m") Duration pruneInterval,
    @Nullable String replicaId) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.cron";

  /** The service token, or null when unset or blank. */
  public @Nullable String token() {
    return serviceToken == null || serviceToken.isBlank() ? null : serviceToken.trim();
  }
}

package dev.iii4j.cron.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How the cron service fires and keeps its claims ({@code engine.cron.*}). The gateway connection
 * ({@code engine.cron.gateway-url}, {@code service-token}, {@code worker-name}, {@code
 * reconnect-max-delay}) is service-support's {@link dev.iii4j.service.GatewayConnection}.
 *
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
    @Bindable(defaultValue = "10m") Duration handlerTimeout,
    @Bindable(defaultValue = "24h") Duration claimRetention,
    @Bindable(defaultValue = "10m") Duration pruneInterval,
    @Nullable String replicaId) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.cron";
}

package dev.iii4j.cron.functions;

import dev.iii4j.cron.CronScheduler;
import dev.iii4j.cron.TickFirer;
import dev.iii4j.cron.TickOutcome;
import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.TraceContext;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.service.SerdeTrees;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires through the gateway with {@link dev.iii4j.sdk.BindingTable#fire}: the condition function
 * with the payload (a JSON {@code false} or an error skips the tick; the error is logged), then the
 * bound function with the payload and the trigger's metadata, awaited. A handler error is logged
 * and not retried; its return value is ignored. Every tick this replica fires is counted in {@code
 * iii_cron_fires_total} by outcome.
 *
 * <p>Each fire starts a trace of its own: the condition call and the handler call carry one new W3C
 * {@code traceparent} (random trace id, sampled), so the gateway's spans of both calls, and
 * everything the handler calls, are one trace per fire.
 */
@Singleton
@Requires(env = CronScheduler.ENVIRONMENT)
final class GatewayTickFirer implements TickFirer {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayTickFirer.class);

  private final EngineWorker worker;
  private final CronTriggers triggers;
  private final MeterRegistry metrics;

  GatewayTickFirer(EngineWorker worker, CronTriggers triggers, MeterRegistry metrics) {
    this.worker = worker;
    this.triggers = triggers;
    this.metrics = metrics;
  }

  @Override
  public CompletableFuture<Fired> fire(String jobId, JsonNode payload) {
    return attempt(jobId, payload)
        .whenComplete(
            (fired, error) -> {
              if (fired != null) {
                metrics.counter("iii.cron.fires", "outcome", fired.outcome().wire()).increment();
              }
            });
  }

  private CompletableFuture<Fired> attempt(String jobId, JsonNode payload) {
    Optional<TriggerBinding> binding = triggers.table().binding(jobId);
    if (binding.isEmpty()) {
      return CompletableFuture.completedFuture(
          new Fired(TickOutcome.CANCELLED, "the trigger is no longer registered"));
    }
    TriggerBinding b = binding.get();
    return triggers
        .table()
        .fire(
            worker,
            b,
            SerdeTrees.sdk(payload),
            CallOptions.defaults().withTraceparent(TraceContext.newTraceparent()))
        .handle(
            (ran, error) -> {
              if (error == null) {
                return ran
                    ? new Fired(TickOutcome.FIRED, null)
                    : new Fired(TickOutcome.SKIPPED, null);
              }
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              LOG.warn(
                  "cron job {} -> {} failed: {}", jobId, b.functionId(), String.valueOf(cause));
              return new Fired(TickOutcome.FAILED, String.valueOf(cause.getMessage()));
            });
  }
}

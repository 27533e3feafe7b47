package dev.iii4j.cron.functions;

import dev.iii4j.cron.CronScheduler;
import dev.iii4j.sdk.EngineWorker;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Provides the {@code cron} trigger type through the SDK worker and connects it at startup. */
@Singleton
@Requires(env = CronScheduler.ENVIRONMENT)
final class CronFunctions {
  private static final Logger LOG = LoggerFactory.getLogger(CronFunctions.class);

  private final EngineWorker worker;
  private final CronTriggers triggers;
  private final CronScheduler scheduler;

  CronFunctions(EngineWorker worker, CronTriggers triggers, CronScheduler scheduler) {
    this.worker = worker;
    this.triggers = triggers;
    this.scheduler = scheduler;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    triggers.feed(scheduler);
    worker.registerTriggerType(
        CronTriggers.TYPE,
        "Fires functions on a cron schedule (seconds first, optional year, UTC)",
        triggers.table());
    // Completes on the first connection; the SDK keeps reconnecting, readiness reports it.
    CompletableFuture<Void> unused = worker.start();
    LOG.info("cron service connecting to {}", worker.options().engineUrl());
  }
}

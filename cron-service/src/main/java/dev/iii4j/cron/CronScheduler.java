package dev.iii4j.cron;

import dev.iii4j.cron.config.CronProperties;
import dev.iii4j.service.GatewayConnection;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every cron job this replica knows, each in its own loop on a virtual thread (spec section
 * 3.2): compute the next tick strictly after the current second, sleep until it, claim it in the
 * {@link TickClaims} store, and only if this replica won the claim build the payload, fire (the
 * condition first) and await the handler, then record the outcome. Then the next tick is computed
 * from the clock again, so the schedule never drifts, and ticks that passed while a run was going
 * are skipped and logged (no catch-up, no overlapping runs of one job on one replica).
 *
 * <p>Every replica runs every job; the claim row, unique per (job, tick), makes exactly one of them
 * fire each tick. A replica that took a claim and died before firing leaves the row in {@link
 * TickOutcome#CLAIMED}: that tick is not fired by anybody (at most once per tick), and the row is
 * reported when it is pruned.
 *
 * <p>Threading: thread-safe. {@link #schedule} and {@link #cancel} return at once; after {@link
 * #cancel} returns, the job claims no further tick, and a run in progress stops waiting for its
 * handler (the handler itself is not interrupted remotely).
 */
@Singleton
@Requires(env = CronScheduler.ENVIRONMENT)
public final class CronScheduler {
  /**
   * The Micronaut environment of the cron service. Its beans exist only in a context that has it,
   * so a test JVM can run a gateway context and cron-service contexts side by side.
   */
  public static final String ENVIRONMENT = "cron-service";

  private static final Logger LOG = LoggerFactory.getLogger(CronScheduler.class);
  private static final int MAX_COUNTED_SKIPS = 100_000;

  private final TickClaims claims;
  private final TickFirer firer;
  private final CronProperties properties;
  private final Clock clock = Clock.systemUTC();
  private final String replicaId;
  private final ConcurrentHashMap<String, JobLoop> loops = new ConcurrentHashMap<>();
  private final ScheduledExecutorService pruner =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("cron-claims-pruner").daemon().factory());
  private volatile boolean stopped;

  CronScheduler(
      TickClaims claims, TickFirer firer, CronProperties properties, GatewayConnection connection) {
    this.claims = claims;
    this.firer = firer;
    this.properties = properties;
    String configured = properties.replicaId();
    this.replicaId =
        configured == null || configured.isBlank()
            ? connection.workerName() + "-" + UUID.randomUUID().toString().substring(0, 8)
            : configured;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    long every = Math.max(properties.pruneInterval().toMillis(), 100);
    Future<?> unused =
        pruner.scheduleWithFixedDelay(this::prune, every, every, TimeUnit.MILLISECONDS);
    LOG.info(
        "cron scheduler {} started; claims are kept for {}",
        replicaId,
        properties.claimRetention());
  }

  /** The id this replica records in its claims. */
  public String replicaId() {
    return replicaId;
  }

  /** Starts the job's loop, replacing (cancelling) a running job with the same id. */
  public void schedule(CronJob job) {
    if (stopped) {
      return;
    }
    JobLoop loop = new JobLoop(job);
    JobLoop previous = loops.put(job.id(), loop);
    if (previous != null) {
      previous.cancel();
    }
    loop.start();
    LOG.debug("cron job {} scheduled: '{}' ({})", job.id(), job.expression(), job.zone());
  }

  /** Stops the job's loop; an unknown id is ignored. */
  public void cancel(String jobId) {
    JobLoop loop = loops.remove(jobId);
    if (loop != null) {
      loop.cancel();
      LOG.debug("cron job {} cancelled", jobId);
    }
  }

  /** The ids of the jobs running on this replica. */
  public Set<String> jobIds() {
    return Set.copyOf(loops.keySet());
  }

  /** Deletes old claims once; called periodically. */
  void prune() {
    try {
      TickClaims.Pruned pruned = claims.prune(properties.claimRetention());
      if (pruned.unfinished() > 0) {
        LOG.warn(
            "pruned {} claim(s) of ticks that were claimed but never finished: a replica died (or"
                + " lost the database) between claiming and firing, so those ticks were not fired",
            pruned.unfinished());
      }
      LOG.debug("pruned {} claim(s) older than {}", pruned.deleted(), properties.claimRetention());
    } catch (TickClaimException e) {
      LOG.warn("pruning claims failed: {}", e.getMessage());
    }
  }

  @PreDestroy
  void stop() {
    stopped = true;
    pruner.shutdownNow();
    for (String id : Set.copyOf(loops.keySet())) {
      cancel(id);
    }
  }

  /** The loop of one job. */
  private final class JobLoop implements Runnable {
    private final CronJob job;
    private volatile boolean cancelled;
    private volatile Thread thread;
    private volatile CompletableFuture<TickFirer.Fired> inFlight;

    JobLoop(CronJob job) {
      this.job = job;
    }

    void start() {
      thread = Thread.ofVirtual().name("cron-" + job.id()).start(this);
    }

    /**
     * Stops the loop without interrupting it: an interrupt would close a database connection in use
     * on this virtual thread, so the loop is unparked and the wait for the handler cancelled.
     */
    void cancel() {
      cancelled = true;
      CompletableFuture<TickFirer.Fired> running = inFlight;
      if (running != null) {
        running.cancel(false);
      }
      Thread t = thread;
      if (t != null) {
        LockSupport.unpark(t);
      }
    }

    @Override
    public void run() {
      try {
        reportMissedTicks();
        Instant previous = null;
        while (!cancelled) {
          Optional<Instant> next = job.expression().nextAfter(clock.instant(), job.zone());
          if (next.isEmpty()) {
            LOG.info(
                "cron job {} ('{}') has no further ticks; it stays registered and never fires",
                job.id(),
                job.expression());
            return;
          }
          Instant tick = next.get();
          if (previous != null) {
            reportSkipped(previous, tick);
          }
          if (!sleepUntil(tick)) {
            return;
          }
          previous = tick;
          runTick(tick);
        }
      } catch (RuntimeException e) {
        LOG.error("cron job {} stopped after an unexpected failure", job.id(), e);
      } finally {
        loops.remove(job.id(), this);
      }
    }

    private boolean sleepUntil(Instant tick) {
      while (!cancelled) {
        long nanos = Duration.between(clock.instant(), tick).toNanos();
        if (nanos <= 0) {
          return true;
        }
        LockSupport.parkNanos(this, nanos);
      }
      return false;
    }

    private void runTick(Instant tick) {
      boolean claimed;
      try {
        claimed = claims.claim(job.id(), tick, replicaId);
      } catch (TickClaimException e) {
        LOG.warn(
            "cron job {}: could not claim tick {}, not fired: {}", job.id(), tick, e.getMessage());
        return;
      }
      if (!claimed) {
        return;
      }
      Instant actual = clock.instant();
      TickFirer.Fired fired;
      if (cancelled) {
        fired = new TickFirer.Fired(TickOutcome.CANCELLED, "unregistered before the fire");
      } else {
        fired = fire(CronPayload.of(job.id(), tick, actual));
      }
      try {
        claims.finish(job.id(), tick, fired.outcome(), fired.error());
      } catch (TickClaimException e) {
        LOG.warn(
            "cron job {}: could not record the outcome {} of tick {}: {}",
            job.id(),
            fired.outcome().wire(),
            tick,
            e.getMessage());
      }
    }

    private TickFirer.Fired fire(JsonNode payload) {
      CompletableFuture<TickFirer.Fired> running;
      try {
        running = firer.fire(job.id(), payload);
      } catch (RuntimeException e) {
        LOG.warn("cron job {}: the fire failed", job.id(), e);
        return new TickFirer.Fired(TickOutcome.FAILED, String.valueOf(e.getMessage()));
      }
      inFlight = running;
      if (cancelled) {
        running.cancel(false);
      }
      try {
        return running.get();
      } catch (CancellationException e) {
        return new TickFirer.Fired(TickOutcome.CANCELLED, "unregistered while the handler ran");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new TickFirer.Fired(TickOutcome.CANCELLED, "interrupted");
      } catch (ExecutionException e) {
        LOG.warn("cron job {}: the fire failed", job.id(), e.getCause());
        return new TickFirer.Fired(TickOutcome.FAILED, String.valueOf(e.getCause()));
      } finally {
        inFlight = null;
      }
    }

    /** Logs the ticks strictly between two consecutive ticks this loop slept for. */
    private void reportSkipped(Instant previous, Instant next) {
      long skipped = countTicks(previous, next);
      if (skipped > 0) {
        LOG.warn(
            "cron job {}: skipped {} tick(s) after {} while the previous run was still going (no"
                + " catch-up)",
            job.id(),
            skipped,
            previous);
      }
    }

    /** Logs the ticks no replica claimed between the job's last claimed tick and now. */
    private void reportMissedTicks() {
      Optional<Instant> last;
      try {
        last = claims.lastClaimed(job.id());
      } catch (TickClaimException e) {
        LOG.debug("cron job {}: cannot read its last claim: {}", job.id(), e.getMessage());
        return;
      }
      if (last.isEmpty()) {
        return;
      }
      // Up to a second before now: the current tick may be being claimed by another replica.
      Instant horizon = clock.instant().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
      long missed = countTicks(last.get(), horizon);
      if (missed > 0) {
        LOG.info(
            "cron job {}: {} tick(s) after {} were not claimed by any replica (none was running"
                + " it); skipped, no catch-up",
            job.id(),
            missed,
            last.get());
      }
    }

    private long countTicks(Instant afterExclusive, Instant beforeExclusive) {
      long count = 0;
      Instant t = afterExclusive;
      while (count < MAX_COUNTED_SKIPS) {
        Optional<Instant> next = job.expression().nextAfter(t, job.zone());
        if (next.isEmpty() || !next.get().isBefore(beforeExclusive)) {
          break;
        }
        count++;
        t = next.get();
      }
      return count;
    }
  }
}

package dev.iii4j.cron.jdbc;

import dev.iii4j.cron.CronScheduler;
import dev.iii4j.cron.TickClaimException;
import dev.iii4j.cron.TickClaims;
import dev.iii4j.cron.TickOutcome;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link TickClaims} on PostgreSQL: {@code INSERT ... ON CONFLICT DO NOTHING} on the primary key
 * (job_id, scheduled_time) of {@code iii_cron.tick_claim}. Each statement is its own transaction
 * (autocommit), so a claim is visible to every replica the moment it is taken.
 */
@Singleton
@Requires(env = CronScheduler.ENVIRONMENT)
public class JdbcTickClaims implements TickClaims {
  private final TickClaimRepository repository;
  private final TransactionOperations<Connection> transactions;

  JdbcTickClaims(TickClaimRepository repository, TransactionOperations<Connection> transactions) {
    this.repository = repository;
    this.transactions = transactions;
  }

  @Override
  public boolean claim(String jobId, Instant scheduledTime, String replicaId) {
    return guarded(
        "claim", () -> repository.claim(jobId, scheduledTime.getEpochSecond(), replicaId) == 1);
  }

  @Override
  public void finish(
      String jobId, Instant scheduledTime, TickOutcome outcome, @Nullable String error) {
    guarded(
        "finish",
        () -> repository.finish(jobId, scheduledTime.getEpochSecond(), outcome.wire(), error));
  }

  @Override
  public Optional<Instant> lastClaimed(String jobId) {
    return guarded(
        "read last claim",
        () -> Optional.ofNullable(repository.lastClaimed(jobId)).map(Instant::ofEpochSecond));
  }

  @Override
  public Pruned prune(Duration retention) {
    String interval = retention.toMillis() + " milliseconds";
    return guarded(
        "prune",
        () ->
            transactions.executeWrite(
                status -> {
                  long unfinished = repository.countUnfinishedOlderThan(interval);
                  long deleted = repository.deleteOlderThan(interval);
                  return new Pruned(deleted, unfinished);
                }));
  }

  /** Translates everything the driver, pool or Micronaut Data throws into the port's exception. */
  private static <T> T guarded(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      throw new TickClaimException(what + " failed: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}

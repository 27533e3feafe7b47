package dev.iii4j.cron;

import io.micronaut.core.annotation.Nullable;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The claim store that gives each tick of each cron job to exactly one replica: a claim is a row
 * unique on (job id, scheduled time), so of all replicas that try to claim one tick, exactly one
 * succeeds, whenever it tries. The row is kept after the fire (with its outcome) until it is
 * pruned, so a replica that wakes up late cannot fire the tick again.
 *
 * <p>Threading: thread-safe; every method blocks on the database. Errors: every method throws
 * {@link TickClaimException} when the store fails.
 */
public interface TickClaims {

  /**
   * Claims one tick. Safe to call from any number of replicas at once, and again: only the first
   * call for a (job, tick) ever returns true.
   *
   * @param jobId the trigger id
   * @param scheduledTime the tick (whole seconds)
   * @param replicaId who claims it, recorded for inspection
   * @return true when this call took the claim, false when the tick was already claimed
   */
  boolean claim(String jobId, Instant scheduledTime, String replicaId);

  /**
   * Records the outcome of a claimed tick. Idempotent; a missing claim (already pruned) is ignored.
   *
   * @param error what went wrong, for {@link TickOutcome#FAILED}; null otherwise
   */
  void finish(String jobId, Instant scheduledTime, TickOutcome outcome, @Nullable String error);

  /** The latest tick of the job claimed by any replica, while its row is retained. */
  Optional<Instant> lastClaimed(String jobId);

  /**
   * Deletes the claims of ticks older than {@code retention}.
   *
   * @return how many rows were deleted, and how many of them had never finished (their replica died
   *     or lost the database between claim and outcome)
   */
  Pruned prune(Duration retention);

  /**
   * The result of {@link #prune}.
   *
   * @param deleted claims deleted
   * @param unfinished of those, claims still in {@link TickOutcome#CLAIMED}
   */
  record Pruned(long deleted, long unfinished) {}
}

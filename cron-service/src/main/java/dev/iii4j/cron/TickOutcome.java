package dev.iii4j.cron;

import java.util.Locale;

/** What became of a claimed tick; stored in the claim row's {@code outcome} column. */
public enum TickOutcome {
  /** Claimed and not finished yet, or never finished (the replica died or lost the database). */
  CLAIMED,
  /** The handler ran and answered (its value is ignored). */
  FIRED,
  /** The condition function returned {@code false} or failed: the tick was skipped. */
  SKIPPED,
  /** The handler failed or could not be reached; logged, never retried. */
  FAILED,
  /** The trigger was unregistered (or the service stopped) before the handler answered. */
  CANCELLED;

  /** The stored value: the name in lower case. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}

package dev.iii4j.sdk;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: {@code min(initial * 2^attempt, max)} with +/-30 % jitter, as the Node SDK
 * (spec section 1.6). Immutable.
 */
final class Backoff {

  /** The jitter, as a fraction of the delay in either direction. */
  static final double JITTER = 0.3;

  private final double initialNanos;
  private final double maxNanos;

  /**
   * A backoff between the given bounds.
   *
   * @throws IllegalArgumentException when a bound is not positive or initial exceeds max
   */
  Backoff(Duration initial, Duration max) {
    if (initial.isZero() || initial.isNegative() || initial.compareTo(max) > 0) {
      throw new IllegalArgumentException("need 0 < initial <= max: " + initial + ", " + max);
    }
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** The delay before reconnect attempt {@code attempt} (0 for the first), with random jitter. */
  Duration delay(int attempt) {
    return delay(attempt, ThreadLocalRandom.current().nextDouble());
  }

  /**
   * The delay before attempt {@code attempt} for a given random draw.
   *
   * @param attempt 0 for the first reconnect
   * @param random a value in [0, 1); 0.5 means no jitter, 0 the shortest, 1 the longest delay
   */
  Duration delay(int attempt, double random) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative: " + attempt);
    }
    // Doubles cannot overflow here; the cap applies before the jitter, as in the Node SDK.
    double base = Math.min(initialNanos * Math.pow(2, Math.min(attempt, 1024)), maxNanos);
    double factor = 1 + JITTER * (2 * random - 1);
    return Duration.ofNanos(Math.round(base * factor));
  }
}

package dev.iii4j.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a message is delivered and how long it waits between attempts: exponential backoff in
 * the manner of micronaut-kafka's {@code ErrorStrategyValue.computeRetryDelay}.
 *
 * <p>The delay before attempt {@code n + 1}, after {@code n} failed attempts, is {@code
 * initialDelay × multiplier^(n − 1)}, capped at {@code maxDelay}. With the reference's defaults (1
 * s, ×2) that is 1 s, 2 s, 4 s, ….
 *
 * @param maxAttempts total delivery attempts before the message is dead-lettered; at least 1
 * @param initialDelay the delay after the first failure; not negative
 * @param multiplier growth per further failure; at least 1
 * @param maxDelay the cap of a single delay; not below {@code initialDelay}
 */
public record RetryPolicy(
    int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {

  /** Total attempts of a subscriber without {@code maxRetries} (spec section 1.3). */
  public static final int DEFAULT_SUBSCRIBER_ATTEMPTS = 3;

  /** Backoff base of the reference: 1000 ms. */
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);

  /** The reference doubles the delay per failure. */
  public static final double DEFAULT_MULTIPLIER = 2.0;

  /** The reference has no cap; we stop growing at one day so the arithmetic stays finite. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofDays(1);

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException when a component is out of range
   */
  public RetryPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    if (initialDelay.isNegative()) {
      throw new IllegalArgumentException("initialDelay must not be negative: " + initialDelay);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("maxDelay must not be below initialDelay: " + maxDelay);
    }
  }

  /**
   * The policy of a named queue: {@code max_retries} is the <em>total</em> number of attempts, and
   * 0 behaves like 1 (spec section 1.1).
   */
  public static RetryPolicy forQueue(int maxRetries, Duration backoff, double multiplier) {
    return new RetryPolicy(Math.max(1, maxRetries), backoff, multiplier, cap(backoff));
  }

  /**
   * The policy of a {@code durable:subscriber}: {@code maxRetries} counts retries <em>after</em>
   * the first attempt, so the total is {@code maxRetries + 1}, or 3 when unset (spec section 1.3).
   */
  public static RetryPolicy forSubscriber(Integer maxRetries, Duration backoff) {
    int attempts = maxRetries == null ? DEFAULT_SUBSCRIBER_ATTEMPTS : Math.max(0, maxRetries) + 1;
    return new RetryPolicy(attempts, backoff, DEFAULT_MULTIPLIER, cap(backoff));
  }

  private static Duration cap(Duration backoff) {
    return backoff.compareTo(DEFAULT_MAX_DELAY) > 0 ? backoff : DEFAULT_MAX_DELAY;
  }

  /**
   * The delay after {@code attemptsMade} failed attempts.
   *
   * @param attemptsMade failed attempts so far, at least 1
   * @throws IllegalArgumentException when {@code attemptsMade} is below 1
   */
  public Duration delayFor(int attemptsMade) {
    if (attemptsMade < 1) {
      throw new IllegalArgumentException("attemptsMade must be at least 1: " + attemptsMade);
    }
    double millis = initialDelay.toMillis() * Math.pow(multiplier, attemptsMade - 1);
    if (Double.isInfinite(millis) || millis >= maxDelay.toMillis()) {
      return maxDelay;
    }
    return Duration.ofMillis(Math.round(millis));
  }

  /** Whether a message with {@code attemptsMade} failed attempts goes to the dead letters. */
  public boolean exhausted(int attemptsMade) {
    return attemptsMade >= maxAttempts;
  }
}

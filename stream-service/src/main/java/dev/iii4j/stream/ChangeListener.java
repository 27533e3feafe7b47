package dev.iii4j.stream;

/**
 * Receives the messages published through {@link StreamStore} by any replica, after their commit.
 * The store's change feed calls it from one thread, in commit order.
 */
public interface ChangeListener {

  /** A committed message; must not block (hand slow work to other threads). */
  void onMessage(StreamMessage message, String text);

  /**
   * The feed was interrupted (its database connection was lost and is back): messages committed
   * meanwhile were not seen, so subscribers should be brought up to date.
   */
  void onGap();
}

package dev.iii4j.stream;

/**
 * The {@code stream:join} and {@code stream:leave} triggers, run on the replica the client is
 * connected to.
 *
 * <p>Threading: thread-safe; both methods block until every trigger answered (or timed out).
 */
public interface SubscriptionHooks {

  /**
   * Runs every {@code stream:join} trigger, one after another.
   *
   * @return false when one of them answered {@code {"unauthorized": true}}; errors do not refuse
   */
  boolean join(SubscriptionEvent event);

  /** Runs every {@code stream:leave} trigger, one after another; answers and errors are ignored. */
  void leave(SubscriptionEvent event);
}

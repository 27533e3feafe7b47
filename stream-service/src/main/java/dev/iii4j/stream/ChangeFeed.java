package dev.iii4j.stream;

/**
 * The stream of committed messages from every replica (see {@link StreamStore}), delivered to the
 * {@link ChangeListener}.
 *
 * <p>Threading: thread-safe.
 */
public interface ChangeFeed {

  /**
   * Whether the feed is listening right now (a replica that is not misses other replicas' changes).
   */
  boolean connected();
}

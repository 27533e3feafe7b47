package dev.iii4j.sdk;

/** A function registered on an {@link EngineWorker}. Thread-safe. */
public interface FunctionRef {

  /** The function id. */
  String id();

  /**
   * Removes the function locally and sends {@code unregisterfunction} if connected (never queued: a
   * later reconnect simply does not replay it). Idempotent.
   */
  void unregister();
}

package dev.iii4j.sdk;

/** A trigger type this worker provides. Thread-safe. */
public interface TriggerTypeRef {

  /** The trigger type id. */
  String id();

  /**
   * Removes the type locally and sends {@code unregistertriggertype} if connected (the reference
   * engine ignores that frame; the type then goes away when the connection closes). Idempotent.
   */
  void unregister();
}

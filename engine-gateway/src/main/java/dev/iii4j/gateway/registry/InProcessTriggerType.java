package dev.iii4j.gateway.registry;

/** A trigger type the engine implements itself ({@code subscribe}, the availability types). */
public interface InProcessTriggerType {

  /**
   * Accepts a binding.
   *
   * @throws IllegalArgumentException with the message the registering worker receives
   */
  default void register(TriggerEntry trigger) {}

  /** Forgets a binding. */
  default void unregister(TriggerEntry trigger) {}
}

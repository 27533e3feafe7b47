package dev.iii4j.queue;

import java.util.Objects;

/**
 * Where messages live: a named queue (point-to-point, {@code TriggerAction.Enqueue}) or a durable
 * topic ({@code iii::durable::publish}, fanned out to its subscribers).
 *
 * @param kind queue or topic
 * @param name the user-facing name, never blank
 */
public record Destination(Kind kind, String name) {

  /** The two modes of the queue worker. */
  public enum Kind {
    /** A named queue declared in configuration. */
    QUEUE,
    /** A durable topic; every subscribed function gets its own copy of each message. */
    TOPIC
  }

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException when the name is blank
   */
  public Destination {
    Objects.requireNonNull(kind, "kind");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("destination name must not be blank");
    }
  }

  /** The named queue {@code name}. */
  public static Destination queue(String name) {
    return new Destination(Kind.QUEUE, name);
  }

  /** The durable topic {@code name}. */
  public static Destination topic(String name) {
    return new Destination(Kind.TOPIC, name);
  }
}

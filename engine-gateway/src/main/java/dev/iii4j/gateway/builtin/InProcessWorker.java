package dev.iii4j.gateway.builtin;

import java.util.Arrays;
import java.util.Optional;

/**
 * The workers the engine runs in-process. Their names are what listings show as the owner of the
 * built-in functions and trigger types, and {@code engine::workers::list} / {@code
 * engine::workers::info} list them as workers with runtime {@code engine}.
 */
public enum InProcessWorker {
  /** The introspection and registration functions ({@code engine::*}). */
  ENGINE_FUNCTIONS(
      "iii-engine-functions",
      "Core engine introspection (engine::*) and platform authoring reference.",
      true),
  /** {@code engine::log::*} and {@code engine::baggage::*}. */
  OBSERVABILITY(
      "iii-observability",
      "OpenTelemetry-based traces, metrics, logs, alerts, and sampling.",
      true),
  /** {@code publish} and the {@code subscribe} trigger type. */
  PUBSUB(
      "iii-pubsub",
      "Topic-based publish/subscribe messaging for real-time event distribution.",
      false);

  private final String workerName;
  private final String description;
  private final boolean mandatory;

  InProcessWorker(String workerName, String description, boolean mandatory) {
    this.workerName = workerName;
    this.description = description;
    this.mandatory = mandatory;
  }

  /** The worker's name (the reference's worker type), also used as its id. */
  public String workerName() {
    return workerName;
  }

  /** The description listings show. */
  public String description() {
    return description;
  }

  /** Whether the reference treats the worker as mandatory; shown as {@code internal}. */
  public boolean mandatory() {
    return mandatory;
  }

  /** The in-process worker with the given name, if any. */
  public static Optional<InProcessWorker> named(String name) {
    return Arrays.stream(values()).filter(w -> w.workerName.equals(name)).findFirst();
  }
}

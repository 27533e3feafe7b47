package dev.iii4j.sdk;

/**
 * Thrown by {@link EngineWorker#registerFunction} and {@link EngineWorker#registerTriggerType} when
 * the id is already registered on this worker, as Temporal's {@code
 * TypeAlreadyRegisteredException}. Unregister the earlier registration first to replace it.
 */
public final class DuplicateRegistrationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String id;

  /** A failure naming the id that is already registered. */
  public DuplicateRegistrationException(String id) {
    super("already registered on this worker: " + id);
    this.id = id;
  }

  /** The id that is already registered. */
  public String id() {
    return id;
  }
}

package dev.iii4j.cron;

/**
 * A {@code cron} trigger's config is rejected; the message is the one the registering worker
 * receives in its {@code trigger_registration_failed} error.
 */
public final class InvalidTriggerConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** A rejection with the message for the worker. */
  public InvalidTriggerConfigException(String message) {
    super(message);
  }
}

package dev.iii4j.cron;

/**
 * The claim store failed (the database is unreachable or a statement failed). Adapters translate
 * their own exceptions into this one at their boundary. A tick whose claim fails is not fired.
 */
public class TickClaimException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with a message and the adapter's exception. */
  public TickClaimException(String message, Throwable cause) {
    super(message, cause);
  }
}

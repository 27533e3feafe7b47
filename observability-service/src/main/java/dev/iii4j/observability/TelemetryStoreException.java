package dev.iii4j.observability;

/** The telemetry store failed (connection, statement); the message says what was attempted. */
public class TelemetryStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TelemetryStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}

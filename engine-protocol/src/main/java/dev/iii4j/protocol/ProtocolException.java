package dev.iii4j.protocol;

/**
 * A frame that could not be decoded or encoded. The message names the problem (bad JSON, missing
 * {@code type}, missing or mistyped field) so receivers can log it next to the connection.
 */
public final class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A protocol failure with a cause. */
  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A protocol failure. */
  public ProtocolException(String message) {
    super(message);
  }
}

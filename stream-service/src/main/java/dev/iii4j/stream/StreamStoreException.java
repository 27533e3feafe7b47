package dev.iii4j.stream;

/** The database failed; nothing was changed. The message names the operation and the cause. */
public class StreamStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with its cause. */
  public StreamStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.iii4j.state;

/**
 * The store failed: the database is unreachable, a statement failed, or stored data could not be
 * read. Adapters translate their own exceptions (for example {@code SQLException}) into this one at
 * their boundary; the function layer answers it with the function's error code ({@code SET_ERROR},
 * {@code GET_ERROR}, ...), as the spec assigns codes per function rather than per failure.
 */
public class StateStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with a message for the caller and the adapter's exception. */
  public StateStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.iii4j.ops;

/**
 * A request or trigger config that does not match its schema. The message is the parser detail, in
 * serde's words, and names the field (for example {@code missing field `scope`}); callers answer it
 * as {@code deserialization_error} with {@link Requests#message(String, String)}.
 */
public final class InvalidRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with the parser detail as its message. */
  public InvalidRequestException(String detail) {
    super(detail);
  }
}

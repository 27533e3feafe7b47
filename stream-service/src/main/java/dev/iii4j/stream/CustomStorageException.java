package dev.iii4j.stream;

/**
 * A custom storage function ({@code stream::<op>(<stream>)}) failed, or answered something that is
 * not the shape its operation needs. {@link #code()} and {@link #getMessage()} are the function's
 * own error (passed through by {@code get}, {@code list} and {@code list_groups}).
 */
public final class CustomStorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** The function answered an error (its code and message are kept). */
    FAILED,
    /** The function answered no result where one is needed. */
    NO_RESULT,
    /** The function's result does not have the operation's shape ({@code JSON_ERROR}). */
    BAD_RESULT
  }

  private final Kind kind;
  private final String code;

  /** A failure of the given kind with the function's (or our) code and message. */
  public CustomStorageException(Kind kind, String code, String message) {
    super(message);
    this.kind = kind;
    this.code = code;
  }

  /** What went wrong. */
  public Kind kind() {
    return kind;
  }

  /** The error code: the function's own for {@link Kind#FAILED}. */
  public String code() {
    return code;
  }
}

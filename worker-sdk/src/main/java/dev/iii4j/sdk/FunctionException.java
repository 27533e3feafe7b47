package dev.iii4j.sdk;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a {@link FunctionHandler} (or used to fail its stage) to answer with a chosen error
 * code and message: the SDK sends {@code {"code":<code>,"message":<message>}} without a stack
 * trace. Any other exception is answered as {@code invocation_failed}.
 */
public class FunctionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  /**
   * A failure with a wire error code.
   *
   * @param code the {@code error.code} the caller sees
   * @param message the {@code error.message} the caller sees
   */
  public FunctionException(String code, String message) {
    this(code, message, null);
  }

  /** A failure with a wire error code and a local cause (the cause is not sent). */
  public FunctionException(String code, String message, @Nullable Throwable cause) {
    super(message, cause);
    if (code == null || code.isBlank()) {
      throw new IllegalArgumentException("code must not be blank");
    }
    if (message == null) {
      throw new IllegalArgumentException("message must not be null");
    }
    this.code = code;
  }

  /** The {@code error.code} the caller sees. */
  public String code() {
    return code;
  }
}

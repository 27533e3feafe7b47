package dev.iii4j.queue;

import dev.iii4j.protocol.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import java.util.Objects;

/**
 * The root of the queue service's exceptions. Its {@link #code()} becomes the {@code error.code} a
 * caller of a queue function sees, and its message the {@code error.message}.
 */
public class QueueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /**
   * A failure.
   *
   * @param code the wire code
   * @param message the wire message
   * @param cause the underlying failure, if any (not sent)
   */
  public QueueException(ErrorCode code, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** A failure without an underlying cause. */
  public QueueException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /** The wire code. */
  public ErrorCode code() {
    return code;
  }
}

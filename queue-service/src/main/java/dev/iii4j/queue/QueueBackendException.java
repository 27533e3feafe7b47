package dev.iii4j.queue;

import dev.iii4j.protocol.ErrorCode;
import io.micronaut.core.annotation.Nullable;

/** A storage failure of a {@link QueueBackend}, translated from the technology's own exception. */
public class QueueBackendException extends QueueException {
  private static final long serialVersionUID = 1L;

  /**
   * A failure with a code, a message and the underlying cause.
   *
   * @param code what kind of failure
   * @param message what was being done
   * @param cause the adapter's exception
   */
  public QueueBackendException(ErrorCode code, String message, @Nullable Throwable cause) {
    super(code, message, cause);
  }
}

package dev.iii4j.gateway.registry;

import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.ErrorCode;

/** A built-in function's failure, carried to the caller as its error body. */
public final class BuiltinException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ErrorBody body;

  /** A failure with the given code and message. */
  public BuiltinException(ErrorCode code, String message) {
    super(message);
    this.body = code.body(message);
  }

  /** The wire error. */
  public ErrorBody body() {
    return body;
  }

  /** The reference's message for undecodable input. */
  public static BuiltinException deserialization(String functionId, String detail) {
    return new BuiltinException(
        ErrorCode.DESERIALIZATION_ERROR,
        "Failed to deserialize input for " + functionId + ": " + detail);
  }
}

package dev.iii4j.state.functions;

import dev.iii4j.protocol.ErrorCode;

/**
 * A request or trigger config that does not match its schema; the message is the parser detail,
 * which names the field (for example {@code missing field `scope`}).
 */
final class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvalidInputException(String detail) {
    super(detail);
  }

  /** The wire code of this failure. */
  ErrorCode code() {
    return ErrorCode.DESERIALIZATION_ERROR;
  }
}

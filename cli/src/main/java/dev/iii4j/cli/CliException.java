package dev.iii4j.cli;

import io.micronaut.core.annotation.Nullable;

/**
 * Ends a command with a message on standard error and one of the {@link ExitCodes}. When the engine
 * answered with an error body, {@link #errorCode()} is its wire code and the message is printed as
 * {@code error: <code>: <message>}.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final @Nullable String errorCode;
  private final @Nullable String detail;

  CliException(int exitCode, String message) {
    this(exitCode, null, message, null);
  }

  CliException(int exitCode, @Nullable String errorCode, String message, @Nullable String detail) {
    super(message);
    this.exitCode = exitCode;
    this.errorCode = errorCode;
    this.detail = detail;
  }

  /** One of {@link ExitCodes}. */
  int exitCode() {
    return exitCode;
  }

  /** The wire error code the engine or the function answered with, if any. */
  @Nullable
  String errorCode() {
    return errorCode;
  }

  /** More lines printed after the message (close matches, a remote stack trace with -v). */
  @Nullable
  String detail() {
    return detail;
  }

  /** This failure with more lines after the message. */
  CliException withDetail(@Nullable String more) {
    if (more == null || more.isEmpty()) {
      return this;
    }
    String joined = detail == null ? more : detail + System.lineSeparator() + more;
    return new CliException(exitCode, errorCode, getMessage(), joined);
  }

  /** The text printed on standard error. */
  String render() {
    String head =
        errorCode == null ? "error: " + getMessage() : "error: " + errorCode + ": " + getMessage();
    return detail == null ? head : head + System.lineSeparator() + detail;
  }
}

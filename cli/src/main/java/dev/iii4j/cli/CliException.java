package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * Ends a command with a message on standard error and one of the {@link ExitCodes}. When the engine
 * answered with an error body, {@link #errorCode()} is its wire code and the message is printed as
 * {@code error: <code>: <message>}; {@link #asErrorJson()} prints it the reference CLI's way
 * instead, {@code Error: } and the body {@code {code, message, stacktrace}} as pretty JSON.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final @Nullable String errorCode;
  private final @Nullable String detail;
  private final @Nullable String stacktrace;
  private final boolean errorJson;

  CliException(int exitCode, String message) {
    this(exitCode, null, message, null);
  }

  CliException(int exitCode, @Nullable String errorCode, String message, @Nullable String detail) {
    this(exitCode, errorCode, message, detail, null, false);
  }

  private CliException(
      int exitCode,
      @Nullable String errorCode,
      String message,
      @Nullable String detail,
      @Nullable String stacktrace,
      boolean errorJson) {
    super(message);
    this.exitCode = exitCode;
    this.errorCode = errorCode;
    this.detail = detail;
    this.stacktrace = stacktrace;
    this.errorJson = errorJson;
  }

  /**
   * The failure for an error body {@code {code, message, stacktrace?}} the engine answered with.
   */
  static CliException remote(
      int exitCode, String errorCode, String message, @Nullable String stacktrace) {
    return new CliException(exitCode, errorCode, message, null, stacktrace, false);
  }

  /** One of {@link ExitCodes}. */
  int exitCode() {
    return exitCode;
  }

  /** The wire error code the engine or the function answered with, if any. */
  @Nullable String errorCode() {
    return errorCode;
  }

  /** More lines printed after the message (close matches). */
  @Nullable String detail() {
    return detail;
  }

  /** This failure with more lines after the message. */
  CliException withDetail(@Nullable String more) {
    if (more == null || more.isEmpty()) {
      return this;
    }
    String joined = detail == null ? more : detail + System.lineSeparator() + more;
    return new CliException(exitCode, errorCode, getMessage(), joined, stacktrace, errorJson);
  }

  /**
   * This failure printed as the reference's {@code iii trigger} prints an error body: {@code Error:
   * } and {@code {"code", "message", "stacktrace"}} as pretty JSON, then the detail lines. A
   * failure without an error code (a usage error, an unreachable engine) stays as it is.
   */
  CliException asErrorJson() {
    return errorCode == null
        ? this
        : new CliException(exitCode, errorCode, getMessage(), detail, stacktrace, true);
  }

  /** The text printed on standard error. */
  String render() {
    String head;
    if (errorJson) {
      JsonNode body =
          JsonText.object(
              "code",
              errorCode,
              "message",
              getMessage(),
              "stacktrace",
              stacktrace == null
                  ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                  : dev.iii4j.protocol.Json.nodes().textNode(stacktrace));
      head = "Error: " + JsonText.pretty(body);
    } else {
      head =
          errorCode == null
              ? "error: " + getMessage()
              : "error: " + errorCode + ": " + getMessage();
      if (Iii.verbose() && stacktrace != null) {
        head +=
            System.lineSeparator() + "remote stack trace:" + System.lineSeparator() + stacktrace;
      }
    }
    return detail == null ? head : head + System.lineSeparator() + detail;
  }
}

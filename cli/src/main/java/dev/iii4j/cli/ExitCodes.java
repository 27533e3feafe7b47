package dev.iii4j.cli;

/**
 * The exit codes of {@code iii}, stable and documented in docs/cli.md. Scripts can tell a function
 * that failed from one that does not exist or did not answer in time.
 */
public final class ExitCodes {
  /** The command succeeded. */
  public static final int OK = 0;

  /** The function (or a built-in behind a shortcut) answered with an error. */
  public static final int FAILED = 1;

  /** Bad command line: unknown option, missing argument, invalid JSON, unreadable file. */
  public static final int USAGE = 2;

  /** The function is not registered, or the key, dead letter or worker asked for does not exist. */
  public static final int NOT_FOUND = 3;

  /** No answer within {@code --timeout}. */
  public static final int TIMED_OUT = 4;

  /** The engine could not be reached at {@code III_URL}, or the connection was lost. */
  public static final int UNREACHABLE = 5;

  /** A defect of the CLI itself; the message says what happened. */
  public static final int INTERNAL = 70;

  private ExitCodes() {}
}

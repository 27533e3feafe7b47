package dev.iii4j.sdk;

import dev.iii4j.protocol.ErrorBody;
import org.jspecify.annotations.Nullable;

/**
 * Every failure the SDK reports through the futures of {@link EngineWorker}: a closed set, so
 * callers can switch over it exhaustively.
 *
 * <ul>
 *   <li>{@link NotConnected}: the worker is closed, or the connection died before the answer came;
 *   <li>{@link Timeout}: the client-side deadline of a call passed;
 *   <li>{@link Remote}: the engine or the executing worker answered with an error body;
 *   <li>{@link HandlerFailed}: a local handler or provider failed;
 *   <li>{@link Protocol}: a frame could not be encoded or an answer had the wrong shape.
 * </ul>
 */
public abstract sealed class WorkerException extends RuntimeException
    permits WorkerException.NotConnected,
        WorkerException.Timeout,
        WorkerException.Remote,
        WorkerException.HandlerFailed,
        WorkerException.Protocol {

  private static final long serialVersionUID = 1L;

  private WorkerException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** The worker is closed, or the connection was lost before the result arrived. */
  public static final class NotConnected extends WorkerException {
    private static final long serialVersionUID = 1L;

    /** A failure with the given reason. */
    public NotConnected(String message) {
      super(message, null);
    }
  }

  /** A call's client-side timeout passed; a late result is ignored. */
  public static final class Timeout extends WorkerException {
    private static final long serialVersionUID = 1L;

    /** A failure with the given reason, for example {@code invocation timed out after 30000ms}. */
    public Timeout(String message) {
      super(message, null);
    }
  }

  /**
   * The engine, or the worker that ran the function, answered with an {@code error}. {@link
   * #getMessage()} is the error body's message unchanged.
   */
  public static final class Remote extends WorkerException {
    private static final long serialVersionUID = 1L;

    private final String functionId;
    private final String code;
    private final @Nullable String stacktrace;

    /**
     * A remote failure.
     *
     * @param functionId the function that was called
     * @param error the error body from the wire
     */
    public Remote(String functionId, ErrorBody error) {
      super(error.message(), null);
      this.functionId = functionId;
      this.code = error.code();
      this.stacktrace = error.stacktrace();
    }

    /** The function that was called. */
    public String functionId() {
      return functionId;
    }

    /** The error code, for example {@code function_not_found} or {@code invocation_failed}. */
    public String code() {
      return code;
    }

    /** The remote stack trace, when the executor sent one. */
    public @Nullable String stacktrace() {
      return stacktrace;
    }

    /** The error body as it came over the wire. */
    public ErrorBody error() {
      return new ErrorBody(code, getMessage(), stacktrace);
    }
  }

  /** A local handler or trigger-type provider failed. */
  public static final class HandlerFailed extends WorkerException {
    private static final long serialVersionUID = 1L;

    /** A failure with the given reason and the handler's exception. */
    public HandlerFailed(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  /** A frame could not be encoded, or an answer did not have the expected shape. */
  public static final class Protocol extends WorkerException {
    private static final long serialVersionUID = 1L;

    /** A failure with the given reason and optional cause. */
    public Protocol(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }
}

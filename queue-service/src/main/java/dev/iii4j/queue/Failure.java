package dev.iii4j.queue;

import dev.iii4j.sdk.WorkerException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why a delivery attempt failed, classified the way Debezium's {@code ErrorHandler.isRetriable} and
 * Temporal's {@code nonRetryable} do: handler and transport failures are retried until the {@link
 * RetryPolicy} is exhausted, protocol violations go straight to the dead letters.
 *
 * @param kind the class of failure
 * @param code the wire code (the handler's own, or one of ours)
 * @param message the human-readable reason
 */
public record Failure(Kind kind, String code, String message) {

  /** The classes of failure. */
  public enum Kind {
    /** The function (or the subscriber's condition) answered with an error, or does not exist. */
    HANDLER,
    /** The call did not complete: connection lost, timeout, gateway shutting down. */
    TRANSPORT,
    /** The message or an answer is malformed; delivering it again cannot help. */
    PROTOCOL
  }

  /** Whether another attempt may succeed. */
  public boolean retriable() {
    return kind != Kind.PROTOCOL;
  }

  /** {@code "<code>: <message>"}, the form stored as a dead letter's error. */
  public String describe() {
    return code + ": " + message;
  }

  /** A protocol violation. */
  public static Failure protocol(String message) {
    return new Failure(Kind.PROTOCOL, "protocol_violation", message);
  }

  /**
   * Classifies the failure of a call made through the worker SDK.
   *
   * @param error the exception a call future failed with (wrappers are unwrapped)
   */
  public static Failure classify(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof WorkerException w) {
      return switch (w) {
        case WorkerException.Remote remote ->
            isTransportCode(remote.code())
                ? new Failure(Kind.TRANSPORT, remote.code(), remote.getMessage())
                : new Failure(Kind.HANDLER, remote.code(), remote.getMessage());
        case WorkerException.Timeout t ->
            new Failure(Kind.TRANSPORT, "invocation_timeout", t.getMessage());
        case WorkerException.NotConnected n ->
            new Failure(Kind.TRANSPORT, "not_connected", n.getMessage());
        case WorkerException.HandlerFailed h ->
            new Failure(Kind.HANDLER, "invocation_failed", String.valueOf(h.getMessage()));
        case WorkerException.Protocol p -> protocol(String.valueOf(p.getMessage()));
      };
    }
    return new Failure(Kind.TRANSPORT, "internal_error", String.valueOf(e));
  }

  private static boolean isTransportCode(String code) {
    return code.equals("engine_shutting_down")
        || code.equals("invocation_timeout")
        || code.equals("invocation_stopped");
  }
}

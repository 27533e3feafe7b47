package dev.iii4j.service;

import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.sdk.WorkerException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one classification of a failed call made through the worker SDK, shared by every service that
 * calls functions on someone's behalf (the queue's deliveries, the state and stream trigger
 * outbox). The kinds say what happened; each caller's retry policy says what to do about it:
 *
 * <table>
 *   <caption>Kinds and who retries them</caption>
 *   <tr><th>Kind</th><th>Cause</th><th>Outbox</th><th>Queue</th></tr>
 *   <tr><td>{@link Kind#UNREACHABLE}</td><td>no connection; {@code function_not_found},
 *       {@code engine_shutting_down}, {@code invocation_stopped}</td>
 *       <td>retried (backoff, until {@code retry-for})</td><td>retried (transport)</td></tr>
 *   <tr><td>{@link Kind#TIMEOUT}</td><td>no answer in time ({@code invocation_timeout})</td>
 *       <td>retried only while disconnected</td><td>retried (transport)</td></tr>
 *   <tr><td>{@link Kind#HANDLER}</td><td>the function answered with an error</td>
 *       <td>not retried (logged, as the reference)</td><td>retried, then dead-lettered</td></tr>
 *   <tr><td>{@link Kind#PROTOCOL}</td><td>a malformed message or answer</td>
 *       <td>not retried</td><td>dead-lettered at once</td></tr>
 *   <tr><td>{@link Kind#INTERNAL}</td><td>an exception that is not the SDK's ({@code
 *       internal_error})</td><td>not retried (logged)</td><td>retried (transport)</td></tr>
 * </table>
 *
 * @param kind what happened
 * @param code the wire code (the handler's own, or one of {@link ErrorCode})
 * @param message the human-readable reason
 */
public record CallFailure(Kind kind, String code, String message) {

  /** What happened to a call. */
  public enum Kind {
    /** The target is not there now; another attempt later may reach it. */
    UNREACHABLE,
    /** No answer arrived in time. */
    TIMEOUT,
    /** The function (or a condition function) answered with an error. */
    HANDLER,
    /** The message or an answer is malformed; another attempt cannot help. */
    PROTOCOL,
    /** Something other than the SDK failed; a bug rather than a condition of the target. */
    INTERNAL
  }

  /** Wire codes of remote errors that mean the target is not reachable right now. */
  public static final Set<String> UNREACHABLE_CODES =
      Set.of(
          ErrorCode.FUNCTION_NOT_FOUND.wire(),
          ErrorCode.ENGINE_SHUTTING_DOWN.wire(),
          ErrorCode.INVOCATION_STOPPED.wire());

  /** The code of a call made while the SDK had no connection. */
  public static final String NOT_CONNECTED = "not_connected";

  /** The code of an unexpected failure. */
  public static final String INTERNAL_ERROR = "internal_error";

  /** The code of a protocol violation. */
  public static final String PROTOCOL_VIOLATION = "protocol_violation";

  /**
   * Classifies the exception a call future failed with ({@link CompletionException} and {@link
   * ExecutionException} wrappers are unwrapped).
   */
  public static CallFailure classify(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof WorkerException w) {
      return switch (w) {
        case WorkerException.Remote remote -> remote(remote.code(), remote.getMessage());
        case WorkerException.Timeout t ->
            new CallFailure(Kind.TIMEOUT, ErrorCode.INVOCATION_TIMEOUT.wire(), t.getMessage());
        case WorkerException.NotConnected n ->
            new CallFailure(Kind.UNREACHABLE, NOT_CONNECTED, n.getMessage());
        case WorkerException.HandlerFailed h ->
            new CallFailure(
                Kind.HANDLER, ErrorCode.INVOCATION_FAILED.wire(), String.valueOf(h.getMessage()));
        case WorkerException.Protocol p -> protocol(String.valueOf(p.getMessage()));
      };
    }
    return new CallFailure(Kind.INTERNAL, INTERNAL_ERROR, String.valueOf(e));
  }

  /** A protocol violation. */
  public static CallFailure protocol(String message) {
    return new CallFailure(Kind.PROTOCOL, PROTOCOL_VIOLATION, message);
  }

  private static CallFailure remote(String code, String message) {
    if (UNREACHABLE_CODES.contains(code)) {
      return new CallFailure(Kind.UNREACHABLE, code, message);
    }
    if (code.equals(ErrorCode.INVOCATION_TIMEOUT.wire())) {
      return new CallFailure(Kind.TIMEOUT, code, message);
    }
    return new CallFailure(Kind.HANDLER, code, message);
  }
}

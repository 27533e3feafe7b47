package dev.iii4j.queue;

import dev.iii4j.service.CallFailure;

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
    /** The function (or the subscriber's condition) answered with an error. */
    HANDLER,
    /**
     * The call did not complete: connection lost, function not registered, timeout, gateway
     * shutting down.
     */
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
    return new Failure(Kind.PROTOCOL, CallFailure.PROTOCOL_VIOLATION, message);
  }

  /**
   * Classifies the failure of a call made through the worker SDK, from the services' one {@link
   * CallFailure} classification: the target unreachable, a timeout or an unexpected exception is a
   * transport failure.
   *
   * @param error the exception a call future failed with (wrappers are unwrapped)
   */
  public static Failure classify(Throwable error) {
    CallFailure failure = CallFailure.classify(error);
    Kind kind =
        switch (failure.kind()) {
          case UNREACHABLE, TIMEOUT, INTERNAL -> Kind.TRANSPORT;
          case HANDLER -> Kind.HANDLER;
          case PROTOCOL -> Kind.PROTOCOL;
        };
    return new Failure(kind, failure.code(), failure.message());
  }
}

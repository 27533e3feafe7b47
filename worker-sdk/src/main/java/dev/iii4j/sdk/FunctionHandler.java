package dev.iii4j.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The code behind a registered function.
 *
 * <p>Threading: each invocation runs on its own virtual thread, never on the socket's listener
 * thread, so a handler may block. Handlers of one worker run concurrently. The exception is an
 * {@link OnListener} handler, which runs on the listener thread before the next frame is read.
 *
 * <p>Results and errors: the stage's value becomes {@code result}; a null value (or a JSON null)
 * means "no value" and {@code result} is left out. A handler that throws, or whose stage fails,
 * answers {@code {"code":"invocation_failed","message":<message>,"stacktrace":<java stack>}},
 * unless the exception is a {@link FunctionException}, whose code and message are sent as they are.
 */
@FunctionalInterface
public interface FunctionHandler {

  /**
   * Handles one invocation.
   *
   * @param invocation the payload, metadata and trace context of the call
   * @return the result; may complete later, on any thread; a null stage counts as no value
   */
  CompletionStage<JsonNode> handle(Invocation invocation);

  /**
   * A handler from a blocking function of the payload alone (which may be null; it may return null
   * for no value). Exceptions it throws fail the call as described on {@link FunctionHandler}.
   */
  static FunctionHandler sync(Function<JsonNode, JsonNode> function) {
    Objects.requireNonNull(function, "function");
    return invocation -> CompletableFuture.completedFuture(function.apply(invocation.data()));
  }

  /**
   * A handler that runs on the connection's listener thread, before the worker reads the next
   * frame: whatever it does has happened before any invocation that arrives after it starts. For
   * short, non-blocking bookkeeping only (such as applying a notification): while it runs, the
   * connection reads nothing.
   */
  @FunctionalInterface
  interface OnListener extends FunctionHandler {}
}

package dev.iii4j.http;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Port: the HTTP exchange a {@link HttpPipeline} answers. The pipeline calls either {@link #send}
 * once, or {@link #startStream} once followed by {@link #chunk}s and one {@link #endStream} or
 * {@link #abort}.
 *
 * <p>Threading: the pipeline calls these methods from SDK, timer and channel threads and from
 * {@link #executor()}, one at a time per exchange; implementations hand the work to their own I/O
 * thread when called elsewhere, and must not block.
 */
public interface ResponseSink {

  /**
   * The request was routed to {@code method} {@code template} (called before any response; not
   * called for unknown routes). For metrics and logs; does nothing by default.
   */
  default void routed(String method, String template) {}

  /**
   * The thread this sink writes on: the pipeline handles a handler's result there, so the response
   * is written without another hand-off. Runs tasks inline by default.
   */
  default Executor executor() {
    return Runnable::run;
  }

  /** Sends a complete response. */
  void send(Reply reply);

  /**
   * Sends the status line and headers of a streamed response; the body follows as {@link #chunk}s.
   * No content type is added.
   */
  void startStream(int status, List<Header> headers);

  /**
   * Sends one body chunk of a streamed response.
   *
   * @param written told {@code true} once the chunk was written to the connection (the caller then
   *     reads the next one), {@code false} when the client is gone
   */
  void chunk(byte[] bytes, Consumer<Boolean> written);

  /** Ends a streamed response normally. */
  void endStream();

  /** Ends a streamed response abnormally: the connection is closed without a proper end. */
  void abort();
}

package dev.iii4j.stream;

import io.micronaut.json.tree.JsonNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The optional auth function of client connections ({@code engine.stream.auth-function}): called
 * before the WebSocket upgrade with {@code {headers, path, query_params, addr}}; its answer's
 * {@code context} is given to the join and leave triggers of that connection.
 *
 * <p>Threading: thread-safe; non-blocking.
 */
public interface ConnectionAuth {

  /** Whether an auth function is configured. */
  boolean enabled();

  /**
   * Calls the auth function.
   *
   * @return completes with the {@code context} of its answer; empty when it answered none, failed,
   *     or answered something else than an object (the connection is then accepted without a
   *     context, as in the reference). Never completes exceptionally.
   */
  CompletableFuture<Optional<JsonNode>> authenticate(JsonNode input);
}

package dev.iii4j.cron;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.concurrent.CompletableFuture;

/**
 * Fires a cron job through the gateway: the condition function first (when the binding has one),
 * then the bound function with the trigger's metadata, awaited.
 *
 * <p>Threading: thread-safe; {@link #fire} does not block. Cancelling the returned future stops
 * waiting for the answer (the remote handler is not stopped).
 */
public interface TickFirer {

  /**
   * Fires one tick.
   *
   * @param jobId the trigger id
   * @param payload the {@link CronPayload}
   * @return completes with {@link TickOutcome#FIRED}, {@link TickOutcome#SKIPPED} (condition false
   *     or failed), {@link TickOutcome#FAILED} (the handler failed or was unreachable; logged), or
   *     {@link TickOutcome#CANCELLED} (the binding is gone); never completes exceptionally
   */
  CompletableFuture<Fired> fire(String jobId, JsonNode payload);

  /**
   * The outcome of one fire.
   *
   * @param outcome what happened
   * @param error a one-line description of a failure, or null
   */
  record Fired(TickOutcome outcome, @Nullable String error) {}
}

package dev.iii4j.gateway.invocation;

import dev.iii4j.gateway.WorkerSession;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.UUID;

/**
 * A request to run a function.
 *
 * @param invocationId the id the executor sees and answers with
 * @param functionId the target
 * @param data the payload, already augmented with {@code _caller_worker_id} where that applies
 * @param metadata invocation metadata, forwarded verbatim
 * @param traceparent W3C trace context, forwarded
 * @param baggage W3C baggage, forwarded
 * @param caller the calling connection; null for calls the engine originates
 */
public record Call(
    String invocationId,
    String functionId,
    @Nullable JsonNode data,
    @Nullable JsonNode metadata,
    @Nullable String traceparent,
    @Nullable String baggage,
    @Nullable WorkerSession caller) {

  /** A call the engine makes on its own behalf (trigger fires, pub/sub). */
  public static Call internal(
      String functionId, @Nullable JsonNode data, @Nullable JsonNode metadata) {
    return new Call(UUID.randomUUID().toString(), functionId, data, metadata, null, null, null);
  }
}

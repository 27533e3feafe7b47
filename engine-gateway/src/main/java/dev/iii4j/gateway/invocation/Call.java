package dev.iii4j.gateway.invocation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.protocol.Payload;
import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/**
 * A request to run a function.
 *
 * @param invocationId the id the executor sees and answers with
 * @param functionId the target
 * @param payload the payload, already augmented with {@code _caller_worker_id} where that applies;
 *     forwarded to a worker as it came in
 * @param metadata invocation metadata, forwarded verbatim
 * @param traceparent W3C trace context, forwarded
 * @param baggage W3C baggage, forwarded
 * @param caller the calling connection; null for calls the engine originates
 */
public record Call(
    String invocationId,
    String functionId,
    @Nullable Payload payload,
    @Nullable JsonNode metadata,
    @Nullable String traceparent,
    @Nullable String baggage,
    @Nullable WorkerSession caller) {

  /** A call the engine makes on its own behalf (trigger fires, pub/sub). */
  public static Call internal(
      String functionId, @Nullable JsonNode data, @Nullable JsonNode metadata) {
    return new Call(
        UUID.randomUUID().toString(), functionId, Payload.of(data), metadata, null, null, null);
  }

  /** This call with another W3C trace context (the engine's span of it as the parent). */
  public Call withTraceparent(String traceparent) {
    return new Call(invocationId, functionId, payload, metadata, traceparent, baggage, caller);
  }

  /** The payload as a tree (parsed on first use); for callees that look inside. */
  public @Nullable JsonNode data() {
    return Payload.treeOf(payload);
  }
}

package dev.iii4j.sdk;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

/**
 * One inbound {@code invokefunction}, as handed to a {@link FunctionHandler}.
 *
 * @param invocationId the id the result is matched by; null when nobody waits for a result (the SDK
 *     then sends nothing back)
 * @param functionId the local function id
 * @param data the payload; the engine adds {@code _caller_worker_id} to object payloads
 * @param metadata the caller's per-invocation metadata, or the trigger's metadata for a fire
 * @param traceparent W3C trace context, when the caller sent one
 * @param baggage W3C baggage, when the caller sent one
 */
public record Invocation(
    @Nullable String invocationId,
    String functionId,
    @Nullable JsonNode data,
    @Nullable JsonNode metadata,
    @Nullable String traceparent,
    @Nullable String baggage) {}

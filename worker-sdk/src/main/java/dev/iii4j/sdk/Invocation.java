package dev.iii4j.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.Payload;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One inbound {@code invokefunction}, as handed to a {@link FunctionHandler}.
 *
 * <p>The payload is kept as the text it arrived in and parsed into a tree only on the first call of
 * {@link #data()}; a handler that hands the payload on as text ({@link #dataJson()}: to a database,
 * a topic, or its own JSON library) never pays for a tree. Immutable; thread-safe.
 */
public final class Invocation {
  private final @Nullable String invocationId;
  private final String functionId;
  private final @Nullable Payload data;
  private final @Nullable JsonNode metadata;
  private final @Nullable String traceparent;
  private final @Nullable String baggage;

  /**
   * An invocation with a payload tree (for tests and for code that calls handlers directly).
   *
   * @param invocationId the id the result is matched by; null when nobody waits for a result
   * @param functionId the local function id
   * @param data the payload, or null
   * @param metadata the per-invocation metadata, or null
   * @param traceparent W3C trace context, or null
   * @param baggage W3C baggage, or null
   */
  public Invocation(
      @Nullable String invocationId,
      String functionId,
      @Nullable JsonNode data,
      @Nullable JsonNode metadata,
      @Nullable String traceparent,
      @Nullable String baggage) {
    this(invocationId, functionId, Payload.of(data), metadata, traceparent, baggage);
  }

  Invocation(
      @Nullable String invocationId,
      String functionId,
      @Nullable Payload data,
      @Nullable JsonNode metadata,
      @Nullable String traceparent,
      @Nullable String baggage) {
    this.invocationId = invocationId;
    this.functionId = Objects.requireNonNull(functionId, "functionId");
    this.data = data;
    this.metadata = metadata;
    this.traceparent = traceparent;
    this.baggage = baggage;
  }

  /**
   * The id the result is matched by; null when nobody waits for a result (nothing is sent back).
   */
  public @Nullable String invocationId() {
    return invocationId;
  }

  /** The local function id. */
  public String functionId() {
    return functionId;
  }

  /**
   * The payload as a tree, parsed on first use; null when the call carried none. The engine adds
   * {@code _caller_worker_id} to object payloads.
   *
   * @throws dev.iii4j.protocol.ProtocolException when the payload text is not valid JSON
   */
  public @Nullable JsonNode data() {
    return Payload.treeOf(data);
  }

  /**
   * The payload as JSON text, exactly as it arrived (no tree is built); null when the call carried
   * none.
   */
  public @Nullable String dataJson() {
    if (data == null) {
      return null;
    }
    return data.isRaw() ? data.rawText() : data.toString();
  }

  /** The caller's per-invocation metadata, or the trigger's metadata for a fire; may be null. */
  public @Nullable JsonNode metadata() {
    return metadata;
  }

  /** W3C trace context, when the caller sent one. */
  public @Nullable String traceparent() {
    return traceparent;
  }

  /** W3C baggage, when the caller sent one. */
  public @Nullable String baggage() {
    return baggage;
  }

  @Override
  public String toString() {
    return "Invocation[" + functionId + ", " + invocationId + "]";
  }
}

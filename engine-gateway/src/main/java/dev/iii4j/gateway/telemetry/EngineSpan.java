package dev.iii4j.gateway.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's span of one invocation, as recorded on the routing path (plain fields; the stored
 * shape is built on the forwarding thread by {@link #toJson}).
 *
 * @param traceId 32 hex digits
 * @param spanId 16 hex digits
 * @param parentSpanId the caller's span, null when this call started the trace
 * @param traceState the caller's {@code tracestate}, if any
 * @param functionId the function called
 * @param executor {@code worker}, {@code http} or {@code builtin}
 * @param startNanos start, Unix nanoseconds
 * @param endNanos end, Unix nanoseconds
 * @param errorCode the error code when the call failed
 * @param errorMessage the error message when the call failed
 */
public record EngineSpan(
    String traceId,
    String spanId,
    @Nullable String parentSpanId,
    String functionId,
    String executor,
    long startNanos,
    long endNanos,
    @Nullable String errorCode,
    @Nullable String errorMessage) {

  /** The reference's stored-span shape, service {@code serviceName}. */
  JsonNode toJson(String serviceName) {
    Map<String, JsonNode> doc = new LinkedHashMap<>();
    doc.put("trace_id", text(traceId));
    doc.put("span_id", text(spanId));
    doc.put(
        "parent_span_id",
        parentSpanId == null
            ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
            : text(parentSpanId));
    doc.put("name", text("call " + functionId));
    doc.put("start_time_unix_nano", dev.iii4j.protocol.Json.nodes().numberNode(startNanos));
    doc.put("end_time_unix_nano", dev.iii4j.protocol.Json.nodes().numberNode(endNanos));
    doc.put("status", text(errorCode == null ? "ok" : "error"));
    if (errorMessage != null && !errorMessage.isEmpty()) {
      doc.put("status_description", text(errorMessage));
    }
    List<JsonNode> attributes = new ArrayList<>();
    attribute(attributes, "otel.kind", "server");
    attribute(attributes, "faas.invoked_name", functionId);
    attribute(attributes, "faas.trigger", "other");
    attribute(attributes, "function_id", functionId);
    attribute(
        attributes,
        "iii.function.kind",
        executor.equals("builtin") || functionId.startsWith("engine::") ? "internal" : "user");
    attribute(attributes, "iii.executor", executor);
    if (errorCode != null) {
      attribute(attributes, "error.type", errorCode);
    }
    doc.put(
        "attributes",
        new com.fasterxml.jackson.databind.node.ArrayNode(
            dev.iii4j.protocol.Json.nodes(), attributes));
    doc.put("service_name", text(serviceName));
    doc.put(
        "events",
        new com.fasterxml.jackson.databind.node.ArrayNode(
            dev.iii4j.protocol.Json.nodes(), List.of()));
    doc.put(
        "links",
        new com.fasterxml.jackson.databind.node.ArrayNode(
            dev.iii4j.protocol.Json.nodes(), List.of()));
    doc.put("instrumentation_scope_name", text("iii-engine"));
    doc.put("flags", dev.iii4j.protocol.Json.nodes().numberNode(1));
    return new com.fasterxml.jackson.databind.node.ObjectNode(dev.iii4j.protocol.Json.nodes(), doc);
  }

  private static void attribute(List<JsonNode> attributes, String key, String value) {
    attributes.add(
        new com.fasterxml.jackson.databind.node.ArrayNode(
            dev.iii4j.protocol.Json.nodes(), List.of(text(key), text(value))));
  }

  private static JsonNode text(String value) {
    return dev.iii4j.protocol.Json.nodes().textNode(value);
  }
}

package dev.iii4j.observability;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stored span. {@code doc} is the span as {@code engine::traces::*} return it (the reference's
 * stored-span shape: {@code trace_id}, {@code span_id}, {@code parent_span_id}, {@code name},
 * {@code start_time_unix_nano}, {@code end_time_unix_nano}, {@code status}, {@code attributes} as
 * {@code [key, value]} pairs, {@code service_name}, {@code events}, {@code links}, ...); the other
 * fields are read from it for filtering.
 *
 * @param traceId 32 lowercase hex digits
 * @param spanId 16 lowercase hex digits
 * @param parentSpanId the parent's span id; null for a root
 * @param name the span's name
 * @param serviceName the {@code service.name} of whoever recorded it
 * @param status {@code ok}, {@code error} or {@code unset}
 * @param startNanos start, Unix nanoseconds
 * @param endNanos end, Unix nanoseconds; 0 while pending
 * @param attributes the attributes as text, in order
 * @param doc the whole span
 */
public record Span(
    String traceId,
    String spanId,
    @Nullable String parentSpanId,
    String name,
    String serviceName,
    String status,
    long startNanos,
    long endNanos,
    Map<String, String> attributes,
    JsonNode doc) {

  /** A span from its stored shape. */
  public static Span of(JsonNode doc) {
    Map<String, String> attributes = new LinkedHashMap<>();
    JsonNode pairs = doc.get("attributes");
    if (pairs != null && pairs.isArray()) {
      for (JsonNode pair : pairs.values()) {
        if (pair.isArray() && pair.size() == 2) {
          attributes.put(text(pair.get(0)), text(pair.get(1)));
        }
      }
    }
    return new Span(
        text(doc.get("trace_id")),
        text(doc.get("span_id")),
        optional(doc.get("parent_span_id")),
        text(doc.get("name")),
        text(doc.get("service_name")),
        text(doc.get("status")),
        number(doc.get("start_time_unix_nano")),
        number(doc.get("end_time_unix_nano")),
        attributes,
        doc);
  }

  /** The duration in nanoseconds; a pending span's runs until {@code nowNanos}. */
  public long durationNanos(long nowNanos) {
    long end = endNanos == 0 ? nowNanos : endNanos;
    return Math.max(0, end - startNanos);
  }

  /** Whether the engine made this span for one of its own functions ({@code engine::*}). */
  public boolean internal() {
    return "internal".equals(attributes.get("iii.function.kind"))
        || attributes.getOrDefault("function_id", "").startsWith("engine::");
  }

  static String text(@Nullable JsonNode node) {
    return node == null || node.isNull() ? "" : node.coerceStringValue();
  }

  static @Nullable String optional(@Nullable JsonNode node) {
    return node == null || node.isNull() ? null : node.coerceStringValue();
  }

  static long number(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return 0;
    }
    if (node.isNumber()) {
      return node.getLongValue();
    }
    try {
      return Long.parseLong(node.coerceStringValue());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}

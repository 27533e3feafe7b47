package dev.iii4j.observability;

import dev.iii4j.ops.JsonWriter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads OTLP/JSON export requests ({@code resourceSpans}, {@code resourceLogs}, {@code
 * resourceMetrics}) into stored spans, log records and metrics, as the reference ingests what SDKs
 * send over {@code /otel}: ids as lowercase hex (base64 ids, as the protobuf JSON mapping writes
 * them, are converted), numbers given as strings or numbers, attribute values as text, status codes
 * 0/1/2 as {@code unset}/{@code ok}/{@code error}, the service name from the resource's {@code
 * service.name} ({@code unknown} without one). Stateless.
 */
public final class OtlpJson {
  private static final String ZERO_SPAN = "0000000000000000";
  private static final String ZERO_TRACE = ZERO_SPAN + ZERO_SPAN;

  private OtlpJson() {}

  /** The spans of an {@code ExportTraceServiceRequest}; malformed entries are skipped. */
  public static List<Span> spans(JsonNode request) {
    List<Span> spans = new ArrayList<>();
    for (JsonNode resourceSpans : array(request, "resourceSpans")) {
      String service = serviceName(resourceSpans.get("resource"));
      for (JsonNode scopeSpans : array(resourceSpans, "scopeSpans")) {
        JsonNode scope = scopeSpans.get("scope");
        for (JsonNode span : array(scopeSpans, "spans")) {
          String traceId = id(span.get("traceId"), 16);
          String spanId = id(span.get("spanId"), 8);
          if (traceId == null || spanId == null) {
            continue;
          }
          Map<String, JsonNode> doc = new LinkedHashMap<>();
          doc.put("trace_id", str(traceId));
          doc.put("span_id", str(spanId));
          String parent = id(span.get("parentSpanId"), 8);
          doc.put(
              "parent_span_id",
              parent == null || parent.equals(ZERO_SPAN) ? JsonNode.nullNode() : str(parent));
          doc.put("name", str(text(span.get("name"))));
          doc.put(
              "start_time_unix_nano", JsonNode.createNumberNode(nanos(span, "startTimeUnixNano")));
          doc.put("end_time_unix_nano", JsonNode.createNumberNode(nanos(span, "endTimeUnixNano")));
          JsonNode status = span.get("status");
          long code = status == null ? 0 : Span.number(status.get("code"));
          doc.put("status", str(code == 1 ? "ok" : code == 2 ? "error" : "unset"));
          String message = status == null ? "" : text(status.get("message"));
          if (!message.isEmpty()) {
            doc.put("status_description", str(message));
          }
          doc.put("attributes", pairs(span.get("attributes")));
          doc.put("service_name", str(service));
          List<JsonNode> events = new ArrayList<>();
          for (JsonNode event : array(span, "events")) {
            events.add(
                JsonNode.createObjectNode(
                    ordered(
                        "name", str(text(event.get("name"))),
                        "timestamp_unix_nano",
                            JsonNode.createNumberNode(nanos(event, "timeUnixNano")),
                        "attributes", pairs(event.get("attributes")))));
          }
          doc.put("events", JsonNode.createArrayNode(events));
          List<JsonNode> links = new ArrayList<>();
          for (JsonNode link : array(span, "links")) {
            String linkTrace = id(link.get("traceId"), 16);
            String linkSpan = id(link.get("spanId"), 8);
            String state = text(link.get("traceState"));
            links.add(
                JsonNode.createObjectNode(
                    ordered(
                        "trace_id", str(linkTrace == null ? "" : linkTrace),
                        "span_id", str(linkSpan == null ? "" : linkSpan),
                        "trace_state", state.isEmpty() ? JsonNode.nullNode() : str(state),
                        "attributes", pairs(link.get("attributes")))));
          }
          doc.put("links", JsonNode.createArrayNode(links));
          putScope(doc, scope);
          JsonNode flags = span.get("flags");
          if (flags != null && flags.isNumber()) {
            doc.put("flags", JsonNode.createNumberNode(flags.getLongValue()));
          }
          String traceState = text(span.get("traceState"));
          if (!traceState.isEmpty()) {
            doc.put("trace_state", str(traceState));
          }
          spans.add(Span.of(JsonNode.createObjectNode(doc)));
        }
      }
    }
    return spans;
  }

  /** The log records of an {@code ExportLogsServiceRequest}; malformed entries are skipped. */
  public static List<LogRecord> logs(JsonNode request) {
    List<LogRecord> logs = new ArrayList<>();
    for (JsonNode resourceLogs : array(request, "resourceLogs")) {
      JsonNode resource = resourceLogs.get("resource");
      String service = serviceName(resource);
      Map<String, JsonNode> resourceAttributes = new LinkedHashMap<>();
      if (resource != null) {
        for (JsonNode kv : array(resource, "attributes")) {
          resourceAttributes.put(text(kv.get("key")), str(anyText(kv.get("value"))));
        }
      }
      for (JsonNode scopeLogs : array(resourceLogs, "scopeLogs")) {
        JsonNode scope = scopeLogs.get("scope");
        for (JsonNode record : array(scopeLogs, "logRecords")) {
          Map<String, JsonNode> doc = new LinkedHashMap<>();
          doc.put("timestamp_unix_nano", JsonNode.createNumberNode(nanos(record, "timeUnixNano")));
          doc.put(
              "observed_timestamp_unix_nano",
              JsonNode.createNumberNode(nanos(record, "observedTimeUnixNano")));
          doc.put(
              "severity_number",
              JsonNode.createNumberNode(Span.number(record.get("severityNumber"))));
          doc.put("severity_text", str(text(record.get("severityText"))));
          doc.put("body", str(anyText(record.get("body"))));
          Map<String, JsonNode> attributes = new LinkedHashMap<>();
          for (JsonNode kv : array(record, "attributes")) {
            attributes.put(text(kv.get("key")), anyJson(kv.get("value")));
          }
          doc.put("attributes", JsonNode.createObjectNode(attributes));
          String traceId = id(record.get("traceId"), 16);
          String spanId = id(record.get("spanId"), 8);
          doc.put(
              "trace_id",
              traceId == null || traceId.equals(ZERO_TRACE) ? JsonNode.nullNode() : str(traceId));
          doc.put(
              "span_id",
              spanId == null || spanId.equals(ZERO_SPAN) ? JsonNode.nullNode() : str(spanId));
          doc.put("resource", JsonNode.createObjectNode(resourceAttributes));
          doc.put("service_name", str(service));
          putScope(doc, scope);
          logs.add(LogRecord.of(JsonNode.createObjectNode(doc)));
        }
      }
    }
    return logs;
  }

  /**
   * The metrics of an {@code ExportMetricsServiceRequest}, each stamped {@code nowNanos} (its
   * ingestion time, as the reference stamps it). Gauges and sums ({@code counter} when monotonic,
   * else {@code updowncounter}) keep number points, histograms histogram points; other kinds
   * (exponential histograms, summaries) are skipped, as the reference skips them.
   */
  public static List<Metric> metrics(JsonNode request, long nowNanos) {
    List<Metric> metrics = new ArrayList<>();
    for (JsonNode resourceMetrics : array(request, "resourceMetrics")) {
      String service = serviceName(resourceMetrics.get("resource"));
      for (JsonNode scopeMetrics : array(resourceMetrics, "scopeMetrics")) {
        JsonNode scope = scopeMetrics.get("scope");
        for (JsonNode metric : array(scopeMetrics, "metrics")) {
          String type;
          List<JsonNode> points = new ArrayList<>();
          String temporality = "";
          JsonNode data;
          if ((data = metric.get("gauge")) != null && data.isObject()) {
            type = "gauge";
            array(data, "dataPoints").forEach(p -> points.add(numberPoint(p)));
          } else if ((data = metric.get("sum")) != null && data.isObject()) {
            JsonNode monotonic = data.get("isMonotonic");
            type =
                monotonic != null && monotonic.isBoolean() && monotonic.getBooleanValue()
                    ? "counter"
                    : "updowncounter";
            temporality = temporality(data);
            array(data, "dataPoints").forEach(p -> points.add(numberPoint(p)));
          } else if ((data = metric.get("histogram")) != null && data.isObject()) {
            type = Metric.HISTOGRAM;
            temporality = temporality(data);
            array(data, "dataPoints").forEach(p -> points.add(histogramPoint(p)));
          } else {
            continue;
          }
          Map<String, JsonNode> doc = new LinkedHashMap<>();
          String name = text(metric.get("name"));
          doc.put("name", str(name));
          doc.put("description", str(text(metric.get("description"))));
          doc.put("unit", str(text(metric.get("unit"))));
          doc.put("metric_type", str(type));
          doc.put("data_points", JsonNode.createArrayNode(points));
          doc.put("service_name", str(service));
          doc.put("timestamp_unix_nano", JsonNode.createNumberNode(nowNanos));
          putScope(doc, scope);
          metrics.add(new Metric(name, nowNanos, JsonNode.createObjectNode(doc), temporality));
        }
      }
    }
    return metrics;
  }

  /**
   * A sum's or histogram's {@code aggregationTemporality}: 1 (or its enum name) delta, anything
   * else cumulative.
   */
  private static String temporality(JsonNode data) {
    JsonNode value = data.get("aggregationTemporality");
    if (value == null || value.isNull()) {
      return Metric.CUMULATIVE;
    }
    String text = value.coerceStringValue();
    return text.equals("1") || text.equals("AGGREGATION_TEMPORALITY_DELTA")
        ? Metric.DELTA
        : Metric.CUMULATIVE;
  }

  private static JsonNode numberPoint(JsonNode point) {
    JsonNode value = point.get("asDouble");
    double number =
        value != null && !value.isNull()
            ? decimal(value)
            : (double) Span.number(point.get("asInt"));
    return JsonNode.createObjectNode(
        ordered(
            "value", JsonNode.createNumberNode(number),
            "attributes", pairs(point.get("attributes")),
            "timestamp_unix_nano", JsonNode.createNumberNode(nanos(point, "timeUnixNano"))));
  }

  private static JsonNode histogramPoint(JsonNode point) {
    List<JsonNode> counts = new ArrayList<>();
    array(point, "bucketCounts")
        .forEach(c -> counts.add(JsonNode.createNumberNode(Span.number(c))));
    List<JsonNode> bounds = new ArrayList<>();
    array(point, "explicitBounds").forEach(b -> bounds.add(JsonNode.createNumberNode(decimal(b))));
    JsonNode sum = point.get("sum");
    JsonNode min = point.get("min");
    JsonNode max = point.get("max");
    return JsonNode.createObjectNode(
        ordered(
            "count", JsonNode.createNumberNode(Span.number(point.get("count"))),
            "sum", JsonNode.createNumberNode(sum == null || sum.isNull() ? 0.0 : decimal(sum)),
            "bucket_counts", JsonNode.createArrayNode(counts),
            "explicit_bounds", JsonNode.createArrayNode(bounds),
            "min",
                min == null || min.isNull()
                    ? JsonNode.nullNode()
                    : JsonNode.createNumberNode(decimal(min)),
            "max",
                max == null || max.isNull()
                    ? JsonNode.nullNode()
                    : JsonNode.createNumberNode(decimal(max)),
            "attributes", pairs(point.get("attributes")),
            "timestamp_unix_nano", JsonNode.createNumberNode(nanos(point, "timeUnixNano"))));
  }

  /** A JSON number, or a number written as a string (the OTLP/JSON mapping allows both). */
  private static double decimal(JsonNode value) {
    if (value.isNumber()) {
      return value.getDoubleValue();
    }
    try {
      return Double.parseDouble(value.coerceStringValue());
    } catch (NumberFormatException e) {
      return 0.0;
    }
  }

  /**
   * An id as lowercase hex of {@code bytes} bytes: hex as it comes, base64 decoded; null when
   * absent, empty or neither.
   */
  static @Nullable String id(@Nullable JsonNode node, int bytes) {
    String value = text(node);
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() == bytes * 2 && value.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return value.toLowerCase(Locale.ROOT);
    }
    try {
      byte[] decoded = Base64.getDecoder().decode(value);
      return decoded.length == bytes ? HexFormat.of().formatHex(decoded) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void putScope(Map<String, JsonNode> doc, @Nullable JsonNode scope) {
    if (scope == null) {
      return;
    }
    String name = text(scope.get("name"));
    String version = text(scope.get("version"));
    if (!name.isEmpty()) {
      doc.put("instrumentation_scope_name", str(name));
    }
    if (!version.isEmpty()) {
      doc.put("instrumentation_scope_version", str(version));
    }
  }

  private static String serviceName(@Nullable JsonNode resource) {
    if (resource != null) {
      for (JsonNode kv : array(resource, "attributes")) {
        if ("service.name".equals(text(kv.get("key")))) {
          return anyText(kv.get("value"));
        }
      }
    }
    return "unknown";
  }

  private static JsonNode pairs(@Nullable JsonNode attributes) {
    List<JsonNode> pairs = new ArrayList<>();
    if (attributes != null && attributes.isArray()) {
      for (JsonNode kv : attributes.values()) {
        JsonNode value = kv.get("value");
        if (value != null) {
          pairs.add(
              JsonNode.createArrayNode(List.of(str(text(kv.get("key"))), str(anyText(value)))));
        }
      }
    }
    return JsonNode.createArrayNode(pairs);
  }

  /** An OTLP {@code AnyValue} as text: strings as they are, anything else as its JSON. */
  static String anyText(@Nullable JsonNode value) {
    JsonNode json = anyJson(value);
    return json.isString() ? json.getStringValue() : json.isNull() ? "" : JsonWriter.text(json);
  }

  /** An OTLP {@code AnyValue} as plain JSON. */
  static JsonNode anyJson(@Nullable JsonNode value) {
    if (value == null || !value.isObject()) {
      return value == null ? JsonNode.nullNode() : value;
    }
    JsonNode v;
    if ((v = value.get("stringValue")) != null) {
      return v;
    }
    if ((v = value.get("intValue")) != null) {
      return JsonNode.createNumberNode(Span.number(v));
    }
    if ((v = value.get("doubleValue")) != null) {
      return v.isNumber()
          ? v
          : JsonNode.createNumberNode(Double.parseDouble(v.coerceStringValue()));
    }
    if ((v = value.get("boolValue")) != null) {
      return v;
    }
    if ((v = value.get("arrayValue")) != null) {
      List<JsonNode> items = new ArrayList<>();
      for (JsonNode item : array(v, "values")) {
        items.add(anyJson(item));
      }
      return JsonNode.createArrayNode(items);
    }
    if ((v = value.get("kvlistValue")) != null) {
      Map<String, JsonNode> entries = new LinkedHashMap<>();
      for (JsonNode kv : array(v, "values")) {
        entries.put(text(kv.get("key")), anyJson(kv.get("value")));
      }
      return JsonNode.createObjectNode(entries);
    }
    if ((v = value.get("bytesValue")) != null) {
      return v;
    }
    return JsonNode.nullNode();
  }

  private static long nanos(JsonNode node, String field) {
    return Span.number(node.get(field));
  }

  private static Iterable<JsonNode> array(@Nullable JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isArray() ? value.values() : List.of();
  }

  private static String text(@Nullable JsonNode node) {
    return node == null || node.isNull() || node.isContainerNode() ? "" : node.coerceStringValue();
  }

  private static JsonNode str(String value) {
    return JsonNode.createStringNode(value);
  }

  private static Map<String, JsonNode> ordered(Object... keysAndValues) {
    Map<String, JsonNode> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], (JsonNode) keysAndValues[i + 1]);
    }
    return map;
  }
}

package dev.iii4j.observability.export;

import dev.iii4j.observability.LogRecord;
import io.micronaut.json.tree.JsonNode;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;

/**
 * A stored log record as the SDK's exporters take it: times, severity, body (as text), attributes
 * (scalars as they are, anything else as its JSON text), trace and span ids, scope.
 */
@SuppressWarnings("deprecation") // getBody() is abstract in LogRecordData; the SDK still calls it.
final class StoredLogRecordData extends StoredData implements LogRecordData {
  private final LogRecord record;
  private final Attributes attributes;

  StoredLogRecordData(LogRecord record, Resource resource) {
    super(record.doc(), resource);
    this.record = record;
    AttributesBuilder builder = Attributes.builder();
    JsonNode stored = record.doc().get("attributes");
    if (stored != null && stored.isObject()) {
      for (Map.Entry<String, JsonNode> e : stored.entries()) {
        JsonNode v = e.getValue();
        if (v.isString()) {
          builder.put(e.getKey(), v.getStringValue());
        } else if (v.isBoolean()) {
          builder.put(e.getKey(), v.getBooleanValue());
        } else if (v.isNumber()) {
          double d = v.getDoubleValue();
          if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
            builder.put(e.getKey(), v.getLongValue());
          } else {
            builder.put(e.getKey(), d);
          }
        } else if (!v.isNull()) {
          builder.put(e.getKey(), dev.iii4j.ops.JsonWriter.text(v));
        }
      }
    }
    this.attributes = builder.build();
  }

  @Override
  public long getTimestampEpochNanos() {
    return record.timestampNanos();
  }

  @Override
  public long getObservedTimestampEpochNanos() {
    JsonNode observed = record.doc().get("observed_timestamp_unix_nano");
    long value = observed != null && observed.isNumber() ? observed.getLongValue() : 0;
    return value == 0 ? record.timestampNanos() : value;
  }

  @Override
  public SpanContext getSpanContext() {
    if (record.traceId() == null || record.spanId() == null) {
      return SpanContext.getInvalid();
    }
    return SpanContext.create(
        record.traceId(), record.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
  }

  @Override
  public Severity getSeverity() {
    for (Severity s : Severity.values()) {
      if (s.getSeverityNumber() == record.severityNumber()) {
        return s;
      }
    }
    return Severity.UNDEFINED_SEVERITY_NUMBER;
  }

  @Override
  public String getSeverityText() {
    return record.severityText();
  }

  @Override
  public Body getBody() {
    JsonNode body = record.doc().get("body");
    return body == null || body.isNull() ? Body.empty() : Body.string(body.coerceStringValue());
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }
}

package dev.iii4j.observability.export;

import dev.iii4j.observability.Span;
import io.micronaut.json.tree.JsonNode;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A stored span as the SDK's exporters take it: ids, times, status, attributes, events. */
final class StoredSpanData extends StoredData implements SpanData {
  private final Span span;
  private final Attributes attributes;
  private final List<EventData> events;

  StoredSpanData(Span span, Resource resource) {
    super(span.doc(), resource);
    this.span = span;
    AttributesBuilder builder = Attributes.builder();
    for (Map.Entry<String, String> e : span.attributes().entrySet()) {
      builder.put(e.getKey(), e.getValue());
    }
    this.attributes = builder.build();
    List<EventData> list = new ArrayList<>();
    JsonNode stored = span.doc().get("events");
    if (stored != null && stored.isArray()) {
      for (JsonNode event : stored.values()) {
        JsonNode name = event.get("name");
        JsonNode time = event.get("timestamp_unix_nano");
        list.add(
            EventData.create(
                time != null && time.isNumber() ? time.getLongValue() : span.startNanos(),
                name == null ? "" : name.coerceStringValue(),
                Attributes.empty()));
      }
    }
    this.events = List.copyOf(list);
  }

  @Override
  public String getName() {
    return span.name();
  }

  @Override
  public SpanKind getKind() {
    String kind = span.attributes().getOrDefault("otel.kind", "internal");
    return switch (kind) {
      case "server" -> SpanKind.SERVER;
      case "client" -> SpanKind.CLIENT;
      case "producer" -> SpanKind.PRODUCER;
      case "consumer" -> SpanKind.CONSUMER;
      default -> SpanKind.INTERNAL;
    };
  }

  @Override
  public SpanContext getSpanContext() {
    return SpanContext.create(
        span.traceId(), span.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
  }

  @Override
  public SpanContext getParentSpanContext() {
    return span.parentSpanId() == null
        ? SpanContext.getInvalid()
        : SpanContext.createFromRemoteParent(
            span.traceId(), span.parentSpanId(), TraceFlags.getSampled(), TraceState.getDefault());
  }

  @Override
  public StatusData getStatus() {
    JsonNode description = span.doc().get("status_description");
    return switch (span.status()) {
      case "ok" -> StatusData.ok();
      case "error" ->
          StatusData.create(
              StatusCode.ERROR, description == null ? "" : description.coerceStringValue());
      default -> StatusData.unset();
    };
  }

  @Override
  public long getStartEpochNanos() {
    return span.startNanos();
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public List<EventData> getEvents() {
    return events;
  }

  @Override
  public List<LinkData> getLinks() {
    return List.of();
  }

  @Override
  public long getEndEpochNanos() {
    return span.endNanos();
  }

  @Override
  public boolean hasEnded() {
    return span.endNanos() != 0;
  }

  @Override
  public int getTotalRecordedEvents() {
    return events.size();
  }

  @Override
  public int getTotalRecordedLinks() {
    return 0;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }

  @Override
  @SuppressWarnings("deprecation") // Still abstract in the interface.
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    InstrumentationScopeInfo scope = getInstrumentationScopeInfo();
    return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion());
  }
}

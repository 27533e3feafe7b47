package dev.iii4j.observability.export;

import dev.iii4j.observability.Application;
import dev.iii4j.observability.LogRecord;
import dev.iii4j.observability.Metric;
import dev.iii4j.observability.Span;
import dev.iii4j.observability.TelemetryExporter;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.core.annotation.Nullable;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports ingested spans, log records and metrics over OTLP with the OpenTelemetry Java SDK,
 * configured by the standard variables: {@code OTEL_EXPORTER_OTLP_ENDPOINT} (every signal) or the
 * per-signal {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, {@code _LOGS_ENDPOINT}, {@code
 * _METRICS_ENDPOINT} (a signal is exported only when its endpoint or the general one is set),
 * {@code OTEL_EXPORTER_OTLP_PROTOCOL} ({@code grpc}, {@code http/protobuf}), {@code
 * OTEL_EXPORTER_OTLP_HEADERS}, {@code OTEL_SERVICE_NAME} (the resource of what carries no service
 * name of its own) and {@code OTEL_TRACES_SAMPLER_ARG} (the ratio of traces exported, decided by
 * trace id so a trace is exported whole or not at all). The same keys as Micronaut properties
 * ({@code otel.exporter.otlp.endpoint}, ...) work too.
 *
 * <p>Spans, log records and metrics keep the service that recorded them (as the resource's {@code
 * service.name}). Metrics go out as {@link StoredMetricData}. Export is asynchronous; a failed
 * export is logged and dropped.
 */
@Singleton
@Requires(env = Application.ENVIRONMENT)
@Requires(condition = OtlpExport.Configured.class)
public final class OtlpExport implements TelemetryExporter {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpExport.class);
  private static final List<String> KEYS =
      List.of(
          "otel.exporter.otlp.endpoint",
          "otel.exporter.otlp.traces.endpoint",
          "otel.exporter.otlp.protocol",
          "otel.exporter.otlp.traces.protocol",
          "otel.exporter.otlp.headers",
          "otel.exporter.otlp.traces.headers",
          "otel.exporter.otlp.logs.endpoint",
          "otel.exporter.otlp.logs.protocol",
          "otel.exporter.otlp.logs.headers",
          "otel.exporter.otlp.metrics.endpoint",
          "otel.exporter.otlp.metrics.protocol",
          "otel.exporter.otlp.metrics.headers",
          "otel.exporter.otlp.compression",
          "otel.exporter.otlp.timeout",
          "otel.service.name",
          "otel.traces.sampler.arg");

  private final AutoConfiguredOpenTelemetrySdk sdk;
  private final SpanExporter spans;
  private final @Nullable LogRecordExporter logs;
  private final @Nullable MetricExporter metrics;
  private final Sampler sampler;
  private final String serviceName;
  private final Map<String, Resource> resources = new HashMap<>();

  OtlpExport(Environment environment) {
    Map<String, String> properties = new LinkedHashMap<>();
    // This service is not instrumented itself: the SDK's exporters only carry what is ingested.
    properties.put("otel.traces.exporter", "none");
    properties.put("otel.metrics.exporter", "none");
    properties.put("otel.logs.exporter", "none");
    properties.put("otel.exporter.otlp.protocol", "http/protobuf");
    for (String key : KEYS) {
      environment
          .getProperty(key, String.class)
          .filter(v -> !v.isBlank())
          .ifPresent(v -> properties.put(key, v));
    }
    // A signal goes when an endpoint applies to it (not logs with a traces-only endpoint, ...).
    boolean all = properties.containsKey("otel.exporter.otlp.endpoint");
    for (String signal : List.of("traces", "logs", "metrics")) {
      if (all || properties.containsKey("otel.exporter.otlp." + signal + ".endpoint")) {
        properties.put("otel." + signal + ".exporter", "otlp");
      }
    }
    AtomicReference<LogRecordExporter> capturedLogs = new AtomicReference<>();
    AtomicReference<MetricExporter> capturedMetrics = new AtomicReference<>();
    AtomicReference<SpanExporter> captured = new AtomicReference<>();
    AtomicReference<ConfigProperties> config = new AtomicReference<>();
    this.sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> properties)
            .addSpanExporterCustomizer(
                (exporter, settings) -> {
                  captured.set(exporter);
                  config.set(settings);
                  return exporter;
                })
            .addLogRecordExporterCustomizer(
                (exporter, settings) -> {
                  capturedLogs.set(exporter);
                  config.set(settings);
                  return exporter;
                })
            // The SDK's own periodic reader gets this exporter too. The SDK's own meters (the
            // exporters count what they send) are dropped by this view, so the reader has nothing
            // to export and only the ingested metrics, handed to the exporter below, go out.
            .addMeterProviderCustomizer(
                (meters, settings) ->
                    meters.registerView(
                        InstrumentSelector.builder().setName("*").build(),
                        View.builder().setAggregation(Aggregation.drop()).build()))
            .addMetricExporterCustomizer(
                (exporter, settings) -> {
                  capturedMetrics.set(exporter);
                  config.set(settings);
                  return exporter;
                })
            .disableShutdownHook()
            .build();
    this.spans = captured.get();
    this.logs = capturedLogs.get();
    this.metrics = capturedMetrics.get();
    ConfigProperties settings = config.get();
    double ratio =
        settings == null
            ? Double.parseDouble(properties.getOrDefault("otel.traces.sampler.arg", "1.0"))
            : settings.getDouble("otel.traces.sampler.arg", 1.0);
    this.sampler = Sampler.traceIdRatioBased(Math.max(0, Math.min(1, ratio)));
    this.serviceName =
        settings == null
            ? properties.getOrDefault("otel.service.name", "iii")
            : settings.getString("otel.service.name", "iii");
    LOG.info(
        "exporting over OTLP: spans to {} (sampling ratio {}), log records to {}, metrics to {}",
        endpoint(properties, "traces", spans),
        ratio,
        endpoint(properties, "logs", logs),
        endpoint(properties, "metrics", metrics));
  }

  private static String endpoint(Map<String, String> properties, String signal, Object exporter) {
    return exporter == null
        ? "nowhere"
        : Optional.ofNullable(properties.get("otel.exporter.otlp." + signal + ".endpoint"))
            .orElse(properties.get("otel.exporter.otlp.endpoint"));
  }

  @Override
  public void export(List<Span> batch, List<LogRecord> records, List<Metric> stored) {
    exportLogs(records);
    exportMetrics(stored);
    if (spans == null || batch.isEmpty()) {
      return;
    }
    List<SpanData> data = new ArrayList<>(batch.size());
    for (Span span : batch) {
      if (span.endNanos() == 0 || !sampled(span)) {
        continue; // Only finished spans go on the wire, as in the reference.
      }
      data.add(new StoredSpanData(span, resource(span.serviceName())));
    }
    if (data.isEmpty()) {
      return;
    }
    CompletableResultCode result = spans.export(data);
    result.whenComplete(
        () -> {
          if (!result.isSuccess()) {
            LOG.warn("OTLP export of {} spans failed", data.size(), result.getFailureThrowable());
          }
        });
  }

  private void exportLogs(List<LogRecord> records) {
    LogRecordExporter exporter = logs;
    if (exporter == null || records.isEmpty()) {
      return;
    }
    List<LogRecordData> data = new ArrayList<>(records.size());
    for (LogRecord record : records) {
      data.add(new StoredLogRecordData(record, resource(serviceOf(record))));
    }
    CompletableResultCode result = exporter.export(data);
    result.whenComplete(
        () -> {
          if (!result.isSuccess()) {
            LOG.warn(
                "OTLP export of {} log records failed", data.size(), result.getFailureThrowable());
          }
        });
  }

  private void exportMetrics(List<Metric> stored) {
    MetricExporter exporter = metrics;
    if (exporter == null || stored.isEmpty()) {
      return;
    }
    List<MetricData> data = new ArrayList<>(stored.size());
    for (Metric metric : stored) {
      MetricData exported = StoredMetricData.of(metric, resource(serviceOf(metric.doc())));
      if (exported != null) {
        data.add(exported);
      }
    }
    if (data.isEmpty()) {
      return;
    }
    CompletableResultCode result = exporter.export(data);
    result.whenComplete(
        () -> {
          if (!result.isSuccess()) {
            LOG.warn("OTLP export of {} metrics failed", data.size(), result.getFailureThrowable());
          }
        });
  }

  private static String serviceOf(LogRecord record) {
    return serviceOf(record.doc());
  }

  private static String serviceOf(io.micronaut.json.tree.JsonNode doc) {
    io.micronaut.json.tree.JsonNode service = doc.get("service_name");
    return service == null || service.isNull() ? "" : service.coerceStringValue();
  }

  private boolean sampled(Span span) {
    return sampler
            .shouldSample(
                Context.root(),
                span.traceId(),
                span.name(),
                SpanKind.INTERNAL,
                Attributes.empty(),
                List.of())
            .getDecision()
        == SamplingDecision.RECORD_AND_SAMPLE;
  }

  private synchronized Resource resource(String service) {
    String name =
        service == null || service.isEmpty() || service.equals("unknown") ? serviceName : service;
    return resources.computeIfAbsent(
        name,
        n ->
            Resource.getDefault()
                .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), n))));
  }

  @PreDestroy
  void close() {
    if (spans != null) {
      spans.flush().join(5, TimeUnit.SECONDS);
    }
    if (logs != null) {
      logs.flush().join(5, TimeUnit.SECONDS);
    }
    if (metrics != null) {
      metrics.flush().join(5, TimeUnit.SECONDS);
    }
    sdk.getOpenTelemetrySdk().shutdown().join(5, TimeUnit.SECONDS);
  }

  private static boolean set(Environment environment, String key) {
    return environment.getProperty(key, String.class).filter(v -> !v.isBlank()).isPresent();
  }

  /** Export is on when an OTLP endpoint (general or per signal) is configured (not blank). */
  public static final class Configured implements io.micronaut.context.condition.Condition {
    @Override
    public boolean matches(io.micronaut.context.condition.ConditionContext context) {
      if (!(context.getBeanContext() instanceof io.micronaut.context.ApplicationContext app)) {
        return false;
      }
      Environment environment = app.getEnvironment();
      return set(environment, "otel.exporter.otlp.endpoint")
          || set(environment, "otel.exporter.otlp.traces.endpoint")
          || set(environment, "otel.exporter.otlp.logs.endpoint")
          || set(environment, "otel.exporter.otlp.metrics.endpoint");
    }
  }
}

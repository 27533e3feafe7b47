package dev.iii4j.observability.functions;

import dev.iii4j.observability.Application;
import dev.iii4j.observability.TelemetryStore;
import dev.iii4j.observability.TelemetryStoreException;
import dev.iii4j.observability.export.OtlpExport;
import dev.iii4j.protocol.EngineVersion;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code engine::health::check} and {@code engine::sampling::rules}, with the reference's shapes.
 * Health reads the shared store (what every replica stored), so it also says when the store does
 * not answer; sampling reports the settings this service applies.
 */
@Singleton
@Requires(env = Application.ENVIRONMENT)
final class StatusFunctions {
  private static final Logger LOG = LoggerFactory.getLogger(StatusFunctions.class);

  private final TelemetryStore store;
  private final boolean exporting;
  private final String serviceName;
  private final double samplingRatio;
  private final Clock clock = Clock.systemUTC();

  StatusFunctions(TelemetryStore store, Optional<OtlpExport> otlp, Environment environment) {
    this.store = store;
    this.exporting = otlp.isPresent();
    this.serviceName =
        environment
            .getProperty("otel.service.name", String.class)
            .filter(s -> !s.isBlank())
            .orElse("iii");
    double ratio = environment.getProperty("otel.traces.sampler.arg", Double.class).orElse(1.0);
    this.samplingRatio = Math.max(0, Math.min(1, ratio));
  }

  /**
   * {@code engine::health::check}: {@code otel} (the store always keeps what is ingested, the
   * reference's {@code memory} exporter; {@code Both} when OTLP export is configured too), and the
   * counts of stored metrics, logs and spans. When the store does not answer, {@code status} and
   * those three components are {@code unhealthy} with the error as details (the reference, whose
   * store is its own memory, has no such case).
   */
  JsonNode health(JsonNode input) {
    Fields.request(input);
    Map<String, JsonNode> otel = new LinkedHashMap<>();
    otel.put("enabled", JsonNode.createBooleanNode(true));
    otel.put("service_name", JsonNode.createStringNode(serviceName));
    otel.put("exporter", JsonNode.createStringNode(exporting ? "Both" : "Memory"));
    Map<String, JsonNode> components = new LinkedHashMap<>();
    components.put("otel", component("healthy", JsonNode.createObjectNode(otel)));
    String status = "healthy";
    try {
      TelemetryStore.Counts counts = store.counts();
      components.put("metrics", component("healthy", count("stored_metrics", counts.metrics())));
      components.put("logs", component("healthy", count("stored_logs", counts.logs())));
      components.put("spans", component("healthy", count("stored_spans", counts.spans())));
    } catch (TelemetryStoreException e) {
      LOG.warn("health check: the store did not answer", e);
      status = "unhealthy";
      JsonNode error =
          JsonNode.createObjectNode(Map.of("error", JsonNode.createStringNode(e.getMessage())));
      for (String name : List.of("metrics", "logs", "spans")) {
        components.put(name, component("unhealthy", error));
      }
    }
    Map<String, JsonNode> result = new LinkedHashMap<>();
    result.put("status", JsonNode.createStringNode(status));
    result.put("components", JsonNode.createObjectNode(components));
    result.put("timestamp", JsonNode.createNumberNode(clock.millis()));
    result.put("version", JsonNode.createStringNode(EngineVersion.VALUE));
    return JsonNode.createObjectNode(result);
  }

  /**
   * {@code engine::sampling::rules}: {@code default_ratio} is {@code OTEL_TRACES_SAMPLER_ARG}, the
   * share of traces exported over OTLP (by trace id; everything is stored); there are no
   * per-operation rules; sampling is parent-based (the gateway opens no span under a caller's
   * context that is not sampled); every log record is kept.
   */
  JsonNode sampling(JsonNode input) {
    Fields.request(input);
    Map<String, JsonNode> traces = new LinkedHashMap<>();
    traces.put("default_ratio", JsonNode.createNumberNode(samplingRatio));
    traces.put("rules", JsonNode.createArrayNode(List.of()));
    traces.put("parent_based", JsonNode.createBooleanNode(true));
    Map<String, JsonNode> result = new LinkedHashMap<>();
    result.put("traces", JsonNode.createObjectNode(traces));
    result.put(
        "logs",
        JsonNode.createObjectNode(Map.of("sampling_ratio", JsonNode.createNumberNode(1.0))));
    result.put("timestamp", JsonNode.createNumberNode(clock.millis()));
    return JsonNode.createObjectNode(result);
  }

  private static JsonNode component(String status, JsonNode details) {
    Map<String, JsonNode> c = new LinkedHashMap<>();
    c.put("status", JsonNode.createStringNode(status));
    c.put("details", details);
    return JsonNode.createObjectNode(c);
  }

  private static JsonNode count(String field, long value) {
    return JsonNode.createObjectNode(Map.of(field, JsonNode.createNumberNode(value)));
  }
}

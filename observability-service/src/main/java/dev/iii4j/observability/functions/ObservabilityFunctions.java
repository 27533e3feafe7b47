package dev.iii4j.observability.functions;

import dev.iii4j.observability.Application;
import dev.iii4j.observability.Ingestion;
import dev.iii4j.observability.TelemetryStore;
import dev.iii4j.observability.TelemetryStoreException;
import dev.iii4j.observability.TraceQueries;
import dev.iii4j.ops.InvalidRequestException;
import dev.iii4j.ops.Requests;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.service.RequestErrors;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the service's functions on the SDK worker at startup, then connects it: {@link #INGEST}
 * (what the gateway forwards: SDK telemetry from {@code /otel} and its own spans), and {@code
 * engine::traces::{list,tree,clear,group_by}}, {@code engine::logs::{list,clear}}, {@code
 * engine::metrics::list}, {@code engine::rollups::list}, {@code engine::health::check}, {@code
 * engine::sampling::rules} and {@code engine::alerts::{list,evaluate}} with the reference's request
 * and response shapes. A request of the wrong shape answers {@code deserialization_error}; a store
 * failure {@code observability_store_error}.
 */
@Singleton
@Requires(env = Application.ENVIRONMENT)
final class ObservabilityFunctions {
  /** The function the gateway invokes (fire and forget) with batches of telemetry. */
  static final String INGEST = "engine::observability::ingest";

  private static final Logger LOG = LoggerFactory.getLogger(ObservabilityFunctions.class);
  private static final int DEFAULT_LOG_LIMIT = 1000;

  private final EngineWorker worker;
  private final TelemetryStore store;
  private final TraceQueries traces;
  private final Ingestion ingestion;
  private final Clock clock = Clock.systemUTC();
  private final MetricFunctions metrics;
  private final StatusFunctions status;
  private final Alerts alerts;
  private final TelemetryTriggers triggers;

  ObservabilityFunctions(
      EngineWorker worker,
      TelemetryStore store,
      TraceQueries traces,
      Ingestion ingestion,
      MetricFunctions metrics,
      StatusFunctions status,
      Alerts alerts,
      TelemetryTriggers triggers) {
    this.worker = worker;
    this.store = store;
    this.traces = traces;
    this.ingestion = ingestion;
    this.metrics = metrics;
    this.status = status;
    this.alerts = alerts;
    this.triggers = triggers;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    triggers.register();
    register(INGEST, this::ingest);
    register("engine::traces::list", this::listTraces);
    register("engine::traces::tree", this::tree);
    register("engine::traces::clear", r -> clear(store::clearSpans));
    register("engine::traces::group_by", this::groupBy);
    register("engine::metrics::list", metrics::list);
    register("engine::rollups::list", metrics::rollups);
    register("engine::health::check", status::health);
    register("engine::sampling::rules", status::sampling);
    register("engine::alerts::list", alerts::list);
    register("engine::alerts::evaluate", alerts::evaluate);
    register("engine::logs::list", this::listLogs);
    register("engine::logs::clear", r -> clear(store::clearLogs));
    CompletableFuture<Void> unused = worker.start();
    LOG.info("observability service connecting to {}", worker.options().engineUrl());
  }

  private void register(String id, Function<JsonNode, JsonNode> body) {
    Function<JsonNode, JsonNode> guarded = RequestErrors.guarded(id, body);
    worker.registerFunction(
        id,
        FunctionHandler.sync(
            input -> {
              try {
                return SerdeTrees.sdk(guarded.apply(SerdeTrees.serde(input)));
              } catch (TelemetryStoreException e) {
                LOG.warn("{} failed", id, e);
                throw new FunctionException(
                    ErrorCode.OBSERVABILITY_STORE_ERROR.wire(), e.getMessage(), e);
              }
            }));
  }

  private JsonNode ingest(JsonNode input) {
    ingestion.ingest(Requests.object(input));
    return null;
  }

  private JsonNode listTraces(JsonNode input) {
    JsonNode r = Fields.request(input);
    TraceQueries.ListRequest request =
        new TraceQueries.ListRequest(
            Fields.string(r, "trace_id"),
            Fields.strings(r, "trace_ids"),
            Fields.count(r, "offset", 0),
            Fields.count(r, "limit", 100),
            Fields.string(r, "service_name"),
            Fields.string(r, "name"),
            Fields.string(r, "status"),
            Fields.decimal(r, "min_duration_ms"),
            Fields.decimal(r, "max_duration_ms"),
            Fields.unsigned(r, "start_time"),
            Fields.unsigned(r, "end_time"),
            Fields.string(r, "sort_by"),
            Fields.string(r, "sort_order"),
            Fields.pairs(r, "attributes"),
            Fields.pairs(r, "exclude_attributes"),
            Fields.flag(r, "include_internal"),
            Fields.flag(r, "search_all_spans"));
    long now = clock.millis() * 1_000_000;
    TraceQueries.SpanPage page = traces.list(request, now);
    List<JsonNode> spans = new ArrayList<>();
    page.spans().forEach(s -> spans.add(s.doc()));
    Map<String, JsonNode> result = new LinkedHashMap<>();
    result.put("spans", JsonNode.createArrayNode(spans));
    result.put("total", JsonNode.createNumberNode(page.total()));
    result.put("offset", JsonNode.createNumberNode(page.offset()));
    result.put("limit", JsonNode.createNumberNode(page.limit()));
    return JsonNode.createObjectNode(result);
  }

  private JsonNode tree(JsonNode input) {
    JsonNode r = Requests.object(input);
    String traceId = Requests.string(r, "trace_id", "");
    return JsonNode.createObjectNode(
        Map.of("roots", JsonNode.createArrayNode(traces.tree(traceId))));
  }

  private JsonNode groupBy(JsonNode input) {
    JsonNode r = Requests.object(input);
    String attribute = Requests.string(r, "attribute", "");
    Long limit = Fields.unsigned(r, "limit");
    if (limit != null && limit > 0xFFFF_FFFFL) {
      throw new InvalidRequestException(
          "invalid value: integer `" + limit + "`, expected u32 at `limit`");
    }
    List<JsonNode> groups =
        traces.groupBy(
            attribute,
            Fields.unsigned(r, "since_ms"),
            limit == null ? 100 : (int) Math.min(limit, Integer.MAX_VALUE),
            Fields.flag(r, "include_internal"),
            Fields.string(r, "label_attribute"),
            clock.millis() * 1_000_000);
    return JsonNode.createObjectNode(Map.of("groups", JsonNode.createArrayNode(groups)));
  }

  private JsonNode listLogs(JsonNode input) {
    JsonNode r = Fields.request(input);
    TelemetryStore.LogQuery query =
        new TelemetryStore.LogQuery(
            Fields.unsigned(r, "start_time"),
            Fields.unsigned(r, "end_time"),
            Fields.string(r, "trace_id"),
            Fields.string(r, "span_id"),
            Fields.integer(r, "severity_min"),
            Fields.string(r, "severity_text"),
            Fields.count(r, "offset", 0),
            Fields.count(r, "limit", DEFAULT_LOG_LIMIT));
    TelemetryStore.LogPage page = store.logs(query);
    List<JsonNode> logs = new ArrayList<>();
    page.logs().forEach(l -> logs.add(l.doc()));
    Map<String, JsonNode> echo = new LinkedHashMap<>();
    echo.put("trace_id", text(query.traceId()));
    echo.put("span_id", text(query.spanId()));
    echo.put(
        "severity_min",
        query.severityMin() == null
            ? JsonNode.nullNode()
            : JsonNode.createNumberNode(query.severityMin()));
    echo.put("severity_text", text(query.severityText()));
    echo.put("start_time", number(query.startTime()));
    echo.put("end_time", number(query.endTime()));
    echo.put("offset", number(r.get("offset") == null ? null : (long) query.offset()));
    echo.put("limit", number(r.get("limit") == null ? null : (long) query.limit()));
    Map<String, JsonNode> result = new LinkedHashMap<>();
    result.put("logs", JsonNode.createArrayNode(logs));
    result.put("total", JsonNode.createNumberNode(page.total()));
    result.put("query", JsonNode.createObjectNode(echo));
    result.put("timestamp", JsonNode.createNumberNode(clock.millis()));
    return JsonNode.createObjectNode(result);
  }

  private static JsonNode clear(Runnable action) {
    action.run();
    return JsonNode.createObjectNode(Map.of("success", JsonNode.createBooleanNode(true)));
  }

  private static JsonNode text(String value) {
    return value == null ? JsonNode.nullNode() : JsonNode.createStringNode(value);
  }

  private static JsonNode number(Long value) {
    return value == null ? JsonNode.nullNode() : JsonNode.createNumberNode(value);
  }
}

package dev.iii4j.observability.functions;

import dev.iii4j.observability.Application;
import dev.iii4j.observability.Metric;
import dev.iii4j.observability.MetricQueries;
import dev.iii4j.observability.TelemetryStore;
import dev.iii4j.ops.InvalidRequestException;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code engine::metrics::list} and {@code engine::rollups::list}, with the reference's request and
 * response shapes. Everything is read from the shared store, so every replica answers the same: SDK
 * metrics as stored; the engine's invocation counts from the gateway's spans; latency statistics
 * over the stored spans; the connected workers from the gateway ({@code engine::workers::list}).
 */
@Singleton
@Requires(env = Application.ENVIRONMENT)
final class MetricFunctions {
  private static final Logger LOG = LoggerFactory.getLogger(MetricFunctions.class);
  private static final long NANOS_PER_MILLI = 1_000_000L;
  private static final long HOUR_NANOS = 3_600_000_000_000L;
  private static final Duration WORKERS_TIMEOUT = Duration.ofSeconds(5);

  private final TelemetryStore store;
  private final EngineWorker worker;
  private final Clock clock = Clock.systemUTC();

  MetricFunctions(TelemetryStore store, EngineWorker worker) {
    this.store = store;
    this.worker = worker;
  }

  /** {@code engine::metrics::list}. */
  JsonNode list(JsonNode input) {
    JsonNode r = Fields.request(input);
    Long startTime = Fields.unsigned(r, "start_time");
    Long endTime = Fields.unsigned(r, "end_time");
    String metricName = Fields.string(r, "metric_name");
    Long interval = Fields.unsigned(r, "aggregate_interval");
    Long startNs = nanos(r, "start_time", NANOS_PER_MILLI);
    Long endNs = nanos(r, "end_time", NANOS_PER_MILLI);
    Long intervalNs = nanos(r, "aggregate_interval", 1_000_000_000L);
    if (intervalNs != null && intervalNs == 0) {
      throw new InvalidRequestException(
          "invalid value: 0, expected a positive number of seconds at `aggregate_interval`");
    }
    List<Metric> metrics = store.metrics(metricName, startNs, endNs);
    List<JsonNode> sdk = new ArrayList<>();
    metrics.forEach(m -> sdk.add(m.doc()));

    Map<String, JsonNode> result = new LinkedHashMap<>();
    result.put("engine_metrics", engineMetrics());
    result.put("sdk_metrics", JsonNode.createArrayNode(sdk));
    result.put("timestamp", JsonNode.createNumberNode(clock.millis()));
    if (intervalNs != null && startNs != null && endNs != null) {
      List<JsonNode> aggregated = MetricQueries.aggregate(metrics, intervalNs);
      if (!aggregated.isEmpty()) {
        result.put("aggregated_metrics", JsonNode.createArrayNode(aggregated));
      }
    }
    if (startTime != null || endTime != null || interval != null) {
      Map<String, JsonNode> query = new LinkedHashMap<>();
      query.put("start_time", number(startTime));
      query.put("end_time", number(endTime));
      query.put("aggregate_interval", number(interval));
      query.put("metric_name", text(metricName));
      result.put("query", JsonNode.createObjectNode(query));
    }
    return JsonNode.createObjectNode(result);
  }

  /** {@code engine::rollups::list}. */
  JsonNode rollups(JsonNode input) {
    JsonNode r = Fields.request(input);
    Long startTime = Fields.unsigned(r, "start_time");
    Long endTime = Fields.unsigned(r, "end_time");
    String metricName = Fields.string(r, "metric_name");
    long level = Fields.count(r, "level", 0);
    Long endNs = nanos(r, "end_time", NANOS_PER_MILLI);
    Long startNs = nanos(r, "start_time", NANOS_PER_MILLI);
    long end = endNs == null ? clock.millis() * NANOS_PER_MILLI : endNs;
    long start = startNs == null ? Math.max(0, end - HOUR_NANOS) : startNs;
    long interval = MetricQueries.levelInterval(level);
    List<Metric> metrics = store.metrics(metricName, start, end);

    Map<String, JsonNode> query = new LinkedHashMap<>();
    query.put("start_time", number(startTime));
    query.put("end_time", number(endTime));
    query.put("metric_name", text(metricName));
    Map<String, JsonNode> result = new LinkedHashMap<>();
    result.put("rollups", JsonNode.createArrayNode(MetricQueries.aggregate(metrics, interval)));
    result.put(
        "histogram_rollups",
        JsonNode.createArrayNode(MetricQueries.aggregateHistograms(metrics, interval)));
    result.put("level", JsonNode.createNumberNode(level));
    result.put("source", JsonNode.createStringNode("on_the_fly"));
    result.put("query", JsonNode.createObjectNode(query));
    result.put("timestamp", JsonNode.createNumberNode(clock.millis()));
    return JsonNode.createObjectNode(result);
  }

  /** The engine's counters, as {@code engine_metrics} and the {@code iii.*} alert metrics read. */
  record EngineCounters(
      long total, long success, long error, Map<String, Long> byFunction, long activeWorkers) {}

  EngineCounters counters() {
    long total = 0;
    long success = 0;
    long error = 0;
    Map<String, Long> byFunction = new TreeMap<>();
    for (TelemetryStore.Invocations i : store.invocations()) {
      total += i.count();
      if ("ok".equals(i.status())) {
        success += i.count();
      } else if ("error".equals(i.status())) {
        error += i.count();
      }
      byFunction.merge(i.functionId(), i.count(), Long::sum);
    }
    return new EngineCounters(total, success, error, byFunction, connectedWorkers());
  }

  private JsonNode engineMetrics() {
    EngineCounters counters = counters();
    Map<String, JsonNode> functions = new LinkedHashMap<>();
    counters
        .byFunction()
        .forEach((id, count) -> functions.put(id, JsonNode.createNumberNode(count)));
    Map<String, JsonNode> invocations = new LinkedHashMap<>();
    invocations.put("total", JsonNode.createNumberNode(counters.total()));
    invocations.put("success", JsonNode.createNumberNode(counters.success()));
    invocations.put("error", JsonNode.createNumberNode(counters.error()));
    invocations.put("deferred", JsonNode.createNumberNode(0));
    invocations.put("by_function", JsonNode.createObjectNode(functions));

    long active = counters.activeWorkers();
    Map<String, JsonNode> workers = new LinkedHashMap<>();
    // Connections are not counted over time here (the gateway's replicas each hold their own):
    // spawns and deaths are 0, active is what the gateway has connected now.
    workers.put("spawns", JsonNode.createNumberNode(0));
    workers.put("deaths", JsonNode.createNumberNode(0));
    workers.put("active", JsonNode.createNumberNode(active));

    TelemetryStore.Durations d = store.durations();
    Map<String, JsonNode> performance = new LinkedHashMap<>();
    performance.put("avg_duration_ms", JsonNode.createNumberNode(d.avg()));
    performance.put("p50_duration_ms", JsonNode.createNumberNode(d.p50()));
    performance.put("p95_duration_ms", JsonNode.createNumberNode(d.p95()));
    performance.put("p99_duration_ms", JsonNode.createNumberNode(d.p99()));
    performance.put("min_duration_ms", JsonNode.createNumberNode(d.min()));
    performance.put("max_duration_ms", JsonNode.createNumberNode(d.max()));

    Map<String, JsonNode> engine = new LinkedHashMap<>();
    engine.put("invocations", JsonNode.createObjectNode(invocations));
    engine.put("workers", JsonNode.createObjectNode(workers));
    engine.put("performance", JsonNode.createObjectNode(performance));
    return JsonNode.createObjectNode(engine);
  }

  /**
   * Workers connected to the gateway this service is connected to, in-process ones left out; 0 when
   * the gateway does not answer in time (the listing still answers).
   */
  private long connectedWorkers() {
    try {
      JsonNode answer =
          SerdeTrees.serde(
              worker
                  .call(
                      "engine::workers::list", SerdeTrees.sdk(JsonNode.createObjectNode(Map.of())))
                  .get(WORKERS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      JsonNode rows = answer == null ? null : answer.get("workers");
      long count = 0;
      if (rows != null && rows.isArray()) {
        for (JsonNode row : rows.values()) {
          JsonNode isolation = row.get("isolation");
          if (isolation == null || !"in-process".equals(isolation.coerceStringValue())) {
            count++;
          }
        }
      }
      return count;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } catch (Exception e) {
      LOG.debug("engine::workers::list did not answer: {}", e.toString());
      return 0;
    }
  }

  /**
   * A request's time field in nanoseconds; {@code time_value_overflow} (as the reference answers)
   * when it does not fit.
   */
  private static @Nullable Long nanos(JsonNode request, String field, long factor) {
    Long value = Fields.unsigned(request, field);
    if (value == null) {
      return null;
    }
    double raw = request.get(field).getDoubleValue();
    if (raw > Long.MAX_VALUE || value > Long.MAX_VALUE / factor) {
      throw new FunctionException(
          ErrorCode.TIME_VALUE_OVERFLOW.wire(), field + " value too large", null);
    }
    return value * factor;
  }

  private static JsonNode text(@Nullable String value) {
    return value == null ? JsonNode.nullNode() : JsonNode.createStringNode(value);
  }

  private static JsonNode number(@Nullable Long value) {
    return value == null ? JsonNode.nullNode() : JsonNode.createNumberNode(value);
  }
}

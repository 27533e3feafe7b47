package dev.iii4j.observability.functions;

import dev.iii4j.observability.AlertRule;
import dev.iii4j.observability.Application;
import dev.iii4j.observability.Metric;
import dev.iii4j.observability.TelemetryStore;
import dev.iii4j.observability.TelemetryStore.AlertState;
import dev.iii4j.observability.TelemetryStoreException;
import dev.iii4j.observability.config.ObservabilityProperties;
import dev.iii4j.ops.JsonWriter;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert rules ({@code engine.observability.alerts}) and their evaluation, with the reference's
 * semantics: a rule's value is an engine counter for {@code iii.invocations.{total, success, error,
 * deferred}} and {@code iii.workers.{spawns, deaths, active}} (see {@code engine::metrics::list}),
 * otherwise the SDK metric of that name over the last {@code window_seconds} (counters, up-down
 * counters and histograms' number points summed, gauges averaged; no data, no evaluation); the rule
 * fires while the comparison holds, and takes its action when it fires and its last action is at
 * least {@code cooldown_seconds} old. Evaluated every {@code alert-interval} and on {@code
 * engine::alerts::evaluate}.
 *
 * <p>Shared, not per replica: one evaluation runs at a time in the cluster (a PostgreSQL advisory
 * lock; a periodic one skips when another replica holds it) over the states stored in PostgreSQL,
 * so a rule's action is taken once per cooldown whichever replicas run, and every replica lists the
 * same states.
 */
@Singleton
@Requires(env = Application.ENVIRONMENT)
final class Alerts {
  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
  private static final Set<String> ENGINE_METRICS =
      Set.of(
          "iii.invocations.total",
          "iii.invocations.success",
          "iii.invocations.error",
          "iii.invocations.deferred",
          "iii.workers.spawns",
          "iii.workers.deaths",
          "iii.workers.active");
  private static final long[] WEBHOOK_BACKOFF_SECONDS = {1, 2, 4};

  private final List<AlertRule> rules;
  private final TelemetryStore store;
  private final MetricFunctions metrics;
  private final EngineWorker worker;
  private final Clock clock = Clock.systemUTC();
  private volatile @Nullable HttpClient http;

  Alerts(
      ObservabilityProperties properties,
      JsonMapper json,
      TelemetryStore store,
      MetricFunctions metrics,
      EngineWorker worker) {
    this.rules = rules(properties.alerts(), json);
    this.store = store;
    this.metrics = metrics;
    this.worker = worker;
    if (!rules.isEmpty()) {
      LOG.info("{} alert rules, evaluated every {}", rules.size(), properties.alertInterval());
    }
  }

  private static List<AlertRule> rules(String text, JsonMapper json) {
    try {
      return AlertRule.parse(json.readValue(text, Argument.of(JsonNode.class)));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "ENGINE_OBSERVABILITY_ALERTS is not a valid list of alert rules: " + e.getMessage(), e);
    }
  }

  /** The periodic evaluation; skipped while another replica evaluates. */
  @Scheduled(
      fixedDelay = "${engine.observability.alert-interval:10s}",
      initialDelay = "${engine.observability.alert-interval:10s}")
  void tick() {
    if (rules.isEmpty()) {
      return;
    }
    try {
      evaluate(false);
    } catch (TelemetryStoreException e) {
      LOG.warn("alert evaluation failed", e);
    }
  }

  /** {@code engine::alerts::list}. */
  JsonNode list(JsonNode input) {
    Fields.request(input);
    Set<String> live = new java.util.HashSet<>();
    rules.forEach(r -> live.add(r.name()));
    List<JsonNode> states = new ArrayList<>();
    long firing = 0;
    for (AlertState s : store.alertStates()) {
      if (live.contains(s.name())) {
        states.add(doc(s));
        firing += s.firing() ? 1 : 0;
      }
    }
    List<JsonNode> ruleDocs = new ArrayList<>();
    rules.forEach(r -> ruleDocs.add(r.doc()));
    Map<String, JsonNode> result = new LinkedHashMap<>();
    result.put("alerts", JsonNode.createArrayNode(states));
    result.put("rules", JsonNode.createArrayNode(ruleDocs));
    result.put("firing_count", JsonNode.createNumberNode(firing));
    result.put("timestamp", JsonNode.createNumberNode(clock.millis()));
    return JsonNode.createObjectNode(result);
  }

  /** {@code engine::alerts::evaluate}: waits for a running evaluation, then evaluates. */
  JsonNode evaluate(JsonNode input) {
    Fields.request(input);
    List<JsonNode> events = evaluate(true);
    Map<String, JsonNode> result = new LinkedHashMap<>();
    result.put("evaluated", JsonNode.createBooleanNode(true));
    result.put("triggered_alerts", JsonNode.createArrayNode(events));
    result.put("timestamp", JsonNode.createNumberNode(clock.millis()));
    return JsonNode.createObjectNode(result);
  }

  private List<JsonNode> evaluate(boolean wait) {
    long now = clock.millis();
    List<Fired> fired = new ArrayList<>();
    Supplier<MetricFunctions.EngineCounters> counters = memoized(metrics::counters);
    store.evaluateAlerts(
        wait,
        stored -> {
          fired.clear();
          Map<String, AlertState> byName = new HashMap<>();
          stored.forEach(s -> byName.put(s.name(), s));
          List<AlertState> updated = new ArrayList<>();
          for (AlertRule rule : rules) {
            if (!rule.enabled()) {
              continue;
            }
            Double value = value(rule, now, counters);
            if (value == null) {
              continue;
            }
            boolean firing = rule.operator().test(value, rule.threshold());
            AlertState old = byName.get(rule.name());
            Long last = old == null ? null : old.lastTriggered();
            boolean trigger =
                firing && (last == null || now - last >= rule.cooldownSeconds() * 1000);
            updated.add(
                new AlertState(
                    rule.name(),
                    firing,
                    now,
                    trigger ? Long.valueOf(now) : last,
                    value,
                    rule.threshold(),
                    rule.operator().display()));
            if (trigger) {
              fired.add(new Fired(rule, value));
            }
          }
          return updated;
        });
    List<JsonNode> events = new ArrayList<>();
    for (Fired f : fired) {
      JsonNode event = event(f, now);
      act(f.rule(), event);
      events.add(event);
    }
    return events;
  }

  private record Fired(AlertRule rule, double value) {}

  private @Nullable Double value(
      AlertRule rule, long nowMs, Supplier<MetricFunctions.EngineCounters> counters) {
    if (ENGINE_METRICS.contains(rule.metric())) {
      MetricFunctions.EngineCounters c = counters.get();
      return switch (rule.metric()) {
        case "iii.invocations.total" -> (double) c.total();
        case "iii.invocations.success" -> (double) c.success();
        case "iii.invocations.error" -> (double) c.error();
        case "iii.workers.active" -> (double) c.activeWorkers();
        default -> 0.0;
      };
    }
    long nowNs = nowMs * 1_000_000;
    List<Metric> window =
        store.metrics(rule.metric(), nowNs - rule.windowSeconds() * 1_000_000_000, nowNs);
    if (window.isEmpty()) {
      return null;
    }
    double sum = 0;
    int count = 0;
    for (Metric m : window) {
      for (JsonNode point : m.dataPoints()) {
        JsonNode v = point.get("value");
        if (v != null && v.isNumber()) {
          sum += v.getDoubleValue();
          count++;
        }
      }
    }
    if (count == 0) {
      return null;
    }
    boolean gauge = "gauge".equals(window.get(0).type());
    return gauge ? sum / count : sum;
  }

  private static JsonNode event(Fired f, long now) {
    Map<String, JsonNode> doc = new LinkedHashMap<>();
    doc.put("name", JsonNode.createStringNode(f.rule().name()));
    doc.put("metric", JsonNode.createStringNode(f.rule().metric()));
    doc.put("value", JsonNode.createNumberNode(f.value()));
    doc.put("threshold", JsonNode.createNumberNode(f.rule().threshold()));
    doc.put("operator", JsonNode.createStringNode(f.rule().operator().display()));
    doc.put("firing", JsonNode.createBooleanNode(true));
    doc.put("timestamp", JsonNode.createNumberNode(now));
    return JsonNode.createObjectNode(doc);
  }

  private static JsonNode doc(AlertState s) {
    Map<String, JsonNode> doc = new LinkedHashMap<>();
    doc.put("name", JsonNode.createStringNode(s.name()));
    doc.put("firing", JsonNode.createBooleanNode(s.firing()));
    doc.put("last_evaluated", JsonNode.createNumberNode(s.lastEvaluated()));
    doc.put(
        "last_triggered",
        s.lastTriggered() == null
            ? JsonNode.nullNode()
            : JsonNode.createNumberNode(s.lastTriggered()));
    doc.put(
        "current_value",
        s.currentValue() == null
            ? JsonNode.nullNode()
            : JsonNode.createNumberNode(s.currentValue()));
    doc.put("threshold", JsonNode.createNumberNode(s.threshold()));
    doc.put("operator", JsonNode.createStringNode(s.operator()));
    return JsonNode.createObjectNode(doc);
  }

  /** The rule's action, after the evaluation committed; never blocks the evaluation. */
  private void act(AlertRule rule, JsonNode event) {
    switch (rule.action()) {
      case "function" -> callFunction(rule, event);
      case "webhook" -> CompletableFuture.runAsync(() -> postWebhook(rule, event, 0));
      default ->
          LOG.warn(
              "alert {} triggered: {} = {} ({} {})",
              rule.name(),
              rule.metric(),
              event.get("value").getDoubleValue(),
              rule.operator().display(),
              rule.threshold());
    }
  }

  private void callFunction(AlertRule rule, JsonNode event) {
    String target = rule.actionTarget();
    if (target == null || target.startsWith("engine::") || target.startsWith("iii::")) {
      LOG.warn(
          "alert {}: function target {} refused; engine functions cannot be alert actions",
          rule.name(),
          target);
      return;
    }
    Map<String, JsonNode> payload = new LinkedHashMap<>();
    payload.put("alert", event.get("name"));
    for (String field :
        List.of("metric", "value", "threshold", "operator", "timestamp", "firing")) {
      payload.put(field, event.get(field));
    }
    CompletableFuture<?> unused =
        worker
            .call(target, SerdeTrees.sdk(JsonNode.createObjectNode(payload)))
            .whenComplete(
                (result, error) -> {
                  if (error != null) {
                    LOG.warn(
                        "alert {}: calling {} failed: {}", rule.name(), target, error.toString());
                  }
                });
  }

  private void postWebhook(AlertRule rule, JsonNode event, int attempt) {
    String url = rule.actionTarget();
    String refusal = webhookRefusal(url);
    if (refusal != null) {
      LOG.warn("alert {}: webhook target refused ({}); not sending", rule.name(), refusal);
      return;
    }
    Map<String, JsonNode> payload = new LinkedHashMap<>();
    payload.put("alert", event.get("name"));
    for (String field : List.of("metric", "value", "threshold", "operator", "timestamp")) {
      payload.put(field, event.get(field));
    }
    String problem;
    try {
      HttpResponse<String> response =
          client()
              .send(
                  HttpRequest.newBuilder(URI.create(url))
                      .timeout(Duration.ofSeconds(30))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              JsonWriter.text(JsonNode.createObjectNode(payload))))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2) {
        return;
      }
      problem = "HTTP " + response.statusCode();
    } catch (IOException e) {
      problem = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (attempt + 1 >= WEBHOOK_BACKOFF_SECONDS.length) {
      LOG.error(
          "alert {}: webhook failed after {} attempts: {}", rule.name(), attempt + 1, problem);
      return;
    }
    LOG.warn(
        "alert {}: webhook attempt {} failed: {}; retrying", rule.name(), attempt + 1, problem);
    CompletableFuture.runAsync(
        () -> postWebhook(rule, event, attempt + 1),
        CompletableFuture.delayedExecutor(WEBHOOK_BACKOFF_SECONDS[attempt], TimeUnit.SECONDS));
  }

  /**
   * Why a webhook URL may not be called (the reference's guard): only http(s), and no host that
   * resolves to a loopback, link-local (cloud metadata), private or unspecified address.
   */
  static @Nullable String webhookRefusal(@Nullable String url) {
    URI uri;
    try {
      uri = URI.create(url == null ? "" : url);
    } catch (IllegalArgumentException e) {
      return "invalid URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "unsupported scheme '" + scheme + "' (only http/https)";
    }
    if (uri.getHost() == null) {
      return "no host";
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
        byte[] raw = address.getAddress();
        boolean uniqueLocal = raw.length == 16 && (raw[0] & 0xfe) == 0xfc;
        if (address.isLoopbackAddress()
            || address.isLinkLocalAddress()
            || address.isSiteLocalAddress()
            || address.isAnyLocalAddress()
            || address.isMulticastAddress()
            || uniqueLocal) {
          return uri.getHost() + " resolves to a private address";
        }
      }
    } catch (UnknownHostException e) {
      return "unknown host " + uri.getHost();
    }
    return null;
  }

  private HttpClient client() {
    HttpClient c = http;
    if (c == null) {
      c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      http = c;
    }
    return c;
  }

  private static <T> Supplier<T> memoized(Supplier<T> supplier) {
    return new Supplier<>() {
      private @Nullable T value;

      @Override
      public T get() {
        if (value == null) {
          value = supplier.get();
        }
        return value;
      }
    };
  }
}

package dev.iii4j.observability.functions;

import dev.iii4j.observability.Application;
import dev.iii4j.observability.LogRecord;
import dev.iii4j.observability.Metric;
import dev.iii4j.observability.Span;
import dev.iii4j.observability.TelemetryExporter;
import dev.iii4j.sdk.BindingTable;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.service.TriggerConfigs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code log} and {@code trace} trigger types, as in the reference. A {@code log} trigger
 * (config {@code {level?}}: {@code info}, {@code warn}, {@code error}, {@code debug}, {@code
 * trace}, or {@code all}; compared with the record's severity text, lowercased) receives each
 * matching stored log record in its stored shape. A {@code trace} trigger (config {@code
 * {service_name?, status?}}, case-insensitive, ANDed) receives {@code {trace_ids}}: the distinct
 * traces with matching span activity, coalesced over {@code trace-trigger-window} (300 ms); spans
 * of {@code engine::*} functions and the gateway's spans of calls to a {@code trace} trigger's own
 * function are left out, or each delivery would fire the trigger again.
 *
 * <p>Every replica holds every binding (the gateway sends each to every provider); the replica that
 * ingested a batch delivers for it, so each record is delivered once. Deliveries never slow
 * ingestion: they wait in a bounded queue ({@code trigger-queue}, 1024) for a few delivery threads
 * (each fire awaited, condition function first as for every trigger type); what does not fit is
 * dropped and counted in {@code iii_observability_trigger_dropped_total{type}}.
 */
@Singleton
@Requires(env = Application.ENVIRONMENT)
final class TelemetryTriggers implements TelemetryExporter {
  static final String LOG_TYPE = "log";
  static final String TRACE_TYPE = "trace";
  private static final Logger LOG = LoggerFactory.getLogger(TelemetryTriggers.class);
  private static final int DELIVERY_THREADS = 4;

  /** Trace ids kept per binding and window at most; more are dropped (and counted). */
  private static final int MAX_PENDING_TRACES = 1000;

  private final EngineWorker worker;
  private final BindingTable logs = new BindingTable(b -> validate(b, "level"));
  private final BindingTable traces = new BindingTable(b -> validate(b, "service_name", "status"));
  private final BlockingQueue<Delivery> queue;
  private final Map<String, Set<String>> pendingTraces = new ConcurrentHashMap<>();
  private final Counter logDrops;
  private final Counter traceDrops;
  private final List<Thread> threads = new ArrayList<>();

  TelemetryTriggers(
      EngineWorker worker,
      MeterRegistry meters,
      @Value("${engine.observability.trigger-queue:1024}") int capacity) {
    this.worker = worker;
    this.queue = new ArrayBlockingQueue<>(Math.max(1, capacity));
    this.logDrops = meters.counter("iii.observability.trigger.dropped", "type", LOG_TYPE);
    this.traceDrops = meters.counter("iii.observability.trigger.dropped", "type", TRACE_TYPE);
    for (int i = 0; i < DELIVERY_THREADS; i++) {
      threads.add(Thread.ofVirtual().name("telemetry-trigger-" + i).start(this::deliverLoop));
    }
  }

  /** Registers both trigger types on the worker (before it starts). */
  void register() {
    worker.registerTriggerType(LOG_TYPE, "Fires on each stored log record", logs);
    worker.registerTriggerType(
        TRACE_TYPE, "Fires with the traces that had span activity (coalesced)", traces);
  }

  @Override
  public void export(List<Span> spans, List<LogRecord> records, List<Metric> metrics) {
    if (!records.isEmpty()) {
      for (TriggerBinding binding : logs.bindings()) {
        String level = field(binding, "level");
        for (LogRecord record : records) {
          String severity = record.severityText().toLowerCase(Locale.ROOT);
          if (level == null || level.equals("all") || level.equals(severity)) {
            offer(new Delivery(logs, binding, record.doc()), logDrops);
          }
        }
      }
    }
    if (!spans.isEmpty()) {
      Collection<TriggerBinding> bindings = traces.bindings();
      if (bindings.isEmpty()) {
        return;
      }
      Set<String> ownFunctions = new HashSet<>();
      bindings.forEach(b -> ownFunctions.add(b.functionId()));
      for (TriggerBinding binding : bindings) {
        String service = field(binding, "service_name");
        String status = field(binding, "status");
        for (Span s : spans) {
          if (s.internal() || ownFunctions.contains(s.attributes().get("function_id"))) {
            continue;
          }
          if ((service == null || s.serviceName().equalsIgnoreCase(service))
              && (status == null || s.status().equalsIgnoreCase(status))) {
            Set<String> pending =
                pendingTraces.computeIfAbsent(binding.id(), id -> ConcurrentHashMap.newKeySet());
            if (pending.size() < MAX_PENDING_TRACES) {
              pending.add(s.traceId());
            } else if (!pending.contains(s.traceId())) {
              traceDrops.increment();
            }
          }
        }
      }
    }
  }

  /** Fires the {@code trace} triggers with the traces of the window that ended. */
  @Scheduled(fixedDelay = "${engine.observability.trace-trigger-window:300ms}")
  void flushTraces() {
    for (String id : List.copyOf(pendingTraces.keySet())) {
      Set<String> pending = pendingTraces.remove(id);
      Optional<TriggerBinding> binding = traces.binding(id);
      if (pending == null || pending.isEmpty() || binding.isEmpty()) {
        continue;
      }
      List<JsonNode> ids = new ArrayList<>();
      new TreeSet<>(pending).forEach(t -> ids.add(JsonNode.createStringNode(t)));
      offer(
          new Delivery(
              traces,
              binding.get(),
              JsonNode.createObjectNode(Map.of("trace_ids", JsonNode.createArrayNode(ids)))),
          traceDrops);
    }
  }

  @PreDestroy
  void stop() {
    threads.forEach(Thread::interrupt);
  }

  private void offer(Delivery delivery, Counter drops) {
    if (!queue.offer(delivery)) {
      drops.increment();
    }
  }

  private void deliverLoop() {
    while (!Thread.currentThread().isInterrupted()) {
      Delivery d;
      try {
        d = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        d.table().fire(worker, d.binding(), SerdeTrees.sdk(d.payload())).get();
      } catch (InterruptedException e) {
        return;
      } catch (ExecutionException | RuntimeException e) {
        LOG.debug(
            "{} trigger {} -> {} failed: {}",
            d.binding().triggerType(),
            d.binding().id(),
            d.binding().functionId(),
            e.toString());
      }
    }
  }

  private record Delivery(BindingTable table, TriggerBinding binding, JsonNode payload) {}

  private static @Nullable String field(TriggerBinding binding, String name) {
    JsonNode config = SerdeTrees.serde(binding.config());
    if (config == null || !config.isObject()) {
      return null;
    }
    JsonNode value = config.get(name);
    return value == null || !value.isString() ? null : value.getStringValue();
  }

  private static Optional<String> validate(TriggerBinding binding, String... fields) {
    return TriggerConfigs.stringFields(binding, "an object", List.of(fields));
  }
}

package dev.iii4j.gateway.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.invocation.Call;
import dev.iii4j.gateway.invocation.Invoker;
import dev.iii4j.gateway.invocation.Outcome;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.protocol.Payload;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries telemetry to the observability service: the engine's spans and the OTLP/JSON frames SDKs
 * send over {@code /otel}. {@link #offer} and {@link #offerFrame} never block: they put the item in
 * a bounded queue or, when it is full, drop it and count it ({@code iii_telemetry_dropped_total},
 * {@code reason=buffer_full}). One thread drains the queue in batches and forwards each as a
 * fire-and-forget invocation of {@value #INGEST} over the service's existing worker connection,
 * with at most {@code in-flight} batches unanswered; batches with no provider connected are dropped
 * ({@code reason=no_service}), and so are batches the service failed ({@code reason=failed}).
 */
@Singleton
@Requires(property = GatewayProperties.ENABLED, notEquals = "false")
public final class TelemetryForwarder {
  /** The observability service's ingest function. */
  public static final String INGEST = "engine::observability::ingest";

  private static final Logger LOG = LoggerFactory.getLogger(TelemetryForwarder.class);
  static final long REFUSAL_LOG_INTERVAL_MS = 10_000;
  private final AtomicLong refusedSinceLog = new AtomicLong();
  private final AtomicLong lastRefusalLogMs = new AtomicLong();

  private final TelemetryProperties properties;
  private final FunctionRegistry functions;
  private final Provider<Invoker> invoker;
  private final String serviceName;
  private final @Nullable BlockingQueue<Object> queue;
  private final Semaphore inFlight;
  private final @Nullable Counter bufferFull;
  private final @Nullable Counter noService;
  private final @Nullable Counter failed;
  private final @Nullable Thread drainer;
  private volatile boolean stopped;

  TelemetryForwarder(
      TelemetryProperties properties,
      FunctionRegistry functions,
      Provider<Invoker> invoker,
      BeanProvider<MeterRegistry> meters,
      @Value("${otel.service.name:iii}") String serviceName) {
    this.properties = properties;
    this.functions = functions;
    this.invoker = invoker;
    this.serviceName = serviceName;
    this.inFlight = new Semaphore(Math.max(1, properties.inFlight()));
    MeterRegistry registry = meters.isPresent() ? meters.get() : null;
    this.bufferFull = registry == null ? null : dropped(registry, "buffer_full");
    this.noService = registry == null ? null : dropped(registry, "no_service");
    this.failed = registry == null ? null : dropped(registry, "failed");
    if (properties.enabled()) {
      queue = new ArrayBlockingQueue<>(Math.max(1, properties.buffer()));
      drainer = Thread.ofPlatform().daemon().name("telemetry-forwarder").start(this::drain);
    } else {
      queue = null;
      drainer = null;
    }
  }

  private static Counter dropped(MeterRegistry registry, String reason) {
    return Counter.builder("iii.telemetry.dropped")
        .description("Spans and /otel frames not forwarded to the observability service")
        .tag("reason", reason)
        .register(registry);
  }

  /** Whether telemetry is on ({@code engine.gateway.telemetry.enabled}). */
  public boolean enabled() {
    return queue != null;
  }

  /** Queues an engine span; drops it when the buffer is full. */
  public void offer(EngineSpan span) {
    enqueue(span);
  }

  /**
   * Queues an {@code /otel} frame: {@code prefix} is {@code OTLP}, {@code LOGS} or {@code MTRC},
   * {@code json} the OTLP/JSON document after it.
   */
  public void offerFrame(String prefix, String json) {
    enqueue(new Frame(prefix, json));
  }

  private void enqueue(Object item) {
    if (queue != null && !queue.offer(item)) {
      count(bufferFull, 1);
    }
  }

  private record Frame(String prefix, String json) {}

  private void drain() {
    List<Object> batch = new ArrayList<>(properties.batch());
    while (!stopped) {
      try {
        Object first = queue.poll(properties.flushInterval().toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        if (batch.size() < properties.batch()) {
          // A short wait lets a burst fill the batch instead of leaving as many small ones.
          Thread.sleep(Math.min(20, properties.flushInterval().toMillis()));
        }
        queue.drainTo(batch, properties.batch() - batch.size());
        inFlight.acquire();
        forward(List.copyOf(batch));
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warn("forwarding telemetry failed; {} items dropped", batch.size(), e);
        count(failed, batch.size());
        batch.clear();
      }
    }
  }

  private void forward(List<Object> batch) {
    if (functions.get(INGEST) == null) {
      inFlight.release();
      count(noService, batch.size());
      return;
    }
    List<JsonNode> spans = new ArrayList<>();
    List<JsonNode> traces = new ArrayList<>();
    List<JsonNode> logs = new ArrayList<>();
    List<JsonNode> metrics = new ArrayList<>();
    for (Object item : batch) {
      switch (item) {
        case EngineSpan span -> spans.add(span.toJson(serviceName));
        case Frame frame -> {
          JsonNode text = dev.iii4j.protocol.Json.nodes().textNode(frame.json());
          switch (frame.prefix()) {
            case "OTLP" -> traces.add(text);
            case "LOGS" -> logs.add(text);
            default -> metrics.add(text);
          }
        }
        default -> {}
      }
    }
    JsonNode data =
        Json.object()
            .put("spans", Json.array(spans))
            .put("traces", Json.array(traces))
            .put("logs", Json.array(logs))
            .put("metrics", Json.array(metrics))
            .build();
    Call call =
        new Call(UUID.randomUUID().toString(), INGEST, Payload.of(data), null, null, null, null);
    CompletableFuture<Outcome> outcome = invoker.get().invoke(call);
    outcome.whenComplete(
        (o, error) -> {
          inFlight.release();
          if (o == null || o.failed()) {
            count(failed, batch.size());
            refused(
                batch.size(),
                o == null || o.error() == null
                    ? error
                    : o.error().code() + ": " + o.error().message());
          }
        });
  }

  /**
   * Logs a refused batch at WARN, rate-limited: the first refusal at once, then at most one line
   * every {@value #REFUSAL_LOG_INTERVAL_MS} ms with how many items were refused since the last line
   * (all are counted in {@code iii_telemetry_dropped_total{reason="failed"}}).
   */
  private void refused(int items, @Nullable Object why) {
    long pending = refusedSinceLog.addAndGet(items);
    long now = System.currentTimeMillis();
    long last = lastRefusalLogMs.get();
    if ((last == 0 || now - last >= REFUSAL_LOG_INTERVAL_MS)
        && lastRefusalLogMs.compareAndSet(last, now)) {
      long reported = refusedSinceLog.getAndAdd(-pending);
      LOG.warn(
          "the observability service refused {} telemetry items{}: {}",
          reported,
          last == 0 ? "" : " in the last " + (now - last) / 1000 + " s",
          why);
    } else {
      LOG.debug("the observability service refused {} items: {}", items, why);
    }
  }

  private static void count(@Nullable Counter counter, double amount) {
    if (counter != null) {
      counter.increment(amount);
    }
  }

  @PreDestroy
  void stop() {
    stopped = true;
    if (drainer != null) {
      drainer.interrupt();
    }
  }
}

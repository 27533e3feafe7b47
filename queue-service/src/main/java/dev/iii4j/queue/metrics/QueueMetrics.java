package dev.iii4j.queue.metrics;

import dev.iii4j.queue.Application;
import dev.iii4j.queue.QueueService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of every declared queue and every durable topic this replica consumes: {@code
 * iii_queue_depth} (messages stored but not yet handled, in flight included; delayed retries and
 * dead letters not) and {@code iii_queue_dead_letters}, labelled {@code queue} and {@code kind}
 * ({@code queue} or {@code topic}).
 *
 * <p>Both are read from Kafka every {@code engine.queue.metrics-interval} (15 s by default, {@code
 * 0s} turns them off) on one background thread, so scraping never waits for Kafka: counting dead
 * letters reads the dead-letter topic from its start, which is cheap for the small dead-letter
 * queues this is meant to watch. The values are those of the whole queue, not of one replica: with
 * several replicas, aggregate with {@code max}, not {@code sum}.
 */
@Context
@Requires(env = Application.ENVIRONMENT)
@Requires(beans = MeterRegistry.class)
public final class QueueMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(QueueMetrics.class);

  private final QueueService queues;
  private final MeterRegistry registry;
  private final Map<String, Sampled> sampled = new ConcurrentHashMap<>();
  private final @Nullable ScheduledExecutorService refresher;

  QueueMetrics(
      QueueService queues,
      MeterRegistry registry,
      @Value("${engine.queue.metrics-interval:15s}") Duration interval) {
    this.queues = queues;
    this.registry = registry;
    if (interval.isZero() || interval.isNegative()) {
      refresher = null;
      LOG.info("queue depth and dead-letter gauges are off (engine.queue.metrics-interval=0)");
      return;
    }
    refresher =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("queue-metrics").daemon().factory());
    refresher.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Reads every gauge from Kafka now (the background refresh does the same). */
  public void refresh() {
    for (String queue : queues.queues().keySet()) {
      sample(queue, "queue");
    }
    Set<String> topics = queues.subscribedTopics().keySet();
    for (String topic : topics) {
      sample(topic, "topic");
    }
  }

  private void sample(String name, String kind) {
    Sampled s =
        sampled.computeIfAbsent(
            kind + ":" + name,
            k -> {
              Sampled fresh = new Sampled();
              Gauge.builder("iii.queue.depth", fresh.depth, AtomicLong::get)
                  .description("Messages stored but not yet handled (in flight included)")
                  .tag("queue", name)
                  .tag("kind", kind)
                  .register(registry);
              Gauge.builder("iii.queue.dead.letters", fresh.deadLetters, AtomicLong::get)
                  .description("Messages that exhausted their attempts and wait in the DLQ")
                  .tag("queue", name)
                  .tag("kind", kind)
                  .register(registry);
              return fresh;
            });
    try {
      s.depth.set(queues.depth(name));
      s.deadLetters.set(queues.deadLetterCount(name));
    } catch (RuntimeException e) {
      // Keep the last values; a broker that is away shows in readiness, not here.
      LOG.debug("cannot read the gauges of {} {}: {}", kind, name, e.toString());
    }
  }

  @PreDestroy
  void stop() {
    if (refresher != null) {
      refresher.shutdownNow();
    }
  }

  private static final class Sampled {
    private final AtomicLong depth = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
  }
}

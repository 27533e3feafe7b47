package dev.iii4j.gateway.metrics;

import dev.iii4j.gateway.channel.ChannelRegistry;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.invocation.InvocationListener;
import dev.iii4j.gateway.invocation.Invoker;
import dev.iii4j.gateway.invocation.Outcome;
import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.gateway.registry.TriggerRegistry;
import dev.iii4j.gateway.registry.WorkerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's metrics, scraped at {@code /prometheus} on the management port: every invocation as
 * a timer tagged with its function, who ran it and its outcome ({@code ok} or the error code), and
 * gauges of connected workers, registered functions, live triggers, calls in flight and open
 * channels.
 */
@Singleton
@Requires(beans = MeterRegistry.class)
@Requires(property = GatewayProperties.ENABLED, notEquals = "false")
final class GatewayMetrics implements InvocationListener {
  private final MeterRegistry registry;
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  GatewayMetrics(
      MeterRegistry registry,
      WorkerRegistry workers,
      FunctionRegistry functions,
      TriggerRegistry triggers,
      ChannelRegistry channels,
      Provider<Invoker> invoker) {
    this.registry = registry;
    Gauge.builder("iii.workers.connected", workers, w -> w.all().size())
        .description("Worker connections open now")
        .register(registry);
    Gauge.builder("iii.functions.registered", functions, f -> f.all().size())
        .description("Function ids with at least one live provider")
        .register(registry);
    Gauge.builder("iii.triggers.live", triggers, t -> t.allLive().size())
        .description("Trigger bindings delivered to a provider")
        .register(registry);
    Gauge.builder("iii.invocations.in_flight", invoker, i -> i.get().inFlight())
        .description("Calls sent to workers and not answered yet")
        .register(registry);
    Gauge.builder("iii.channels.open", channels, ChannelRegistry::size)
        .description("Streaming channels not finished yet")
        .register(registry);
  }

  @Override
  public void completed(String functionId, String kind, Outcome outcome, long nanos) {
    TimerKey key = new TimerKey(functionId, kind, outcome.failed() ? outcome.error().code() : "ok");
    // Each series is built and registered once; later calls only record.
    timers.computeIfAbsent(key, this::timer).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(TimerKey key) {
    return Timer.builder("iii.invocations")
        .description("Invocations by function, executor kind and outcome")
        .tag("function", key.function())
        .tag("executor", key.executor())
        .tag("outcome", key.outcome())
        .register(registry);
  }

  private record TimerKey(String function, String executor, String outcome) {}
}

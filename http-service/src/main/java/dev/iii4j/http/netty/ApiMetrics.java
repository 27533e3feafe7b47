package dev.iii4j.http.netty;

import dev.iii4j.http.ConcurrencyLimiter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Metrics of the public API: {@code iii_http_requests_seconds} (a timer per method, route template
 * and status; {@code route="unmatched"} for requests no route took, so unknown paths cannot grow
 * the series without bound), {@code iii_http_requests_in_flight}, and {@code
 * iii_http_requests_waiting} (held back by the per-route concurrency limit).
 *
 * <p>Thread-safe.
 */
final class ApiMetrics {
  /** The route label of requests no route took. */
  static final String UNMATCHED = "unmatched";

  private final MeterRegistry registry;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<Series, Timer> timers = new ConcurrentHashMap<>();

  ApiMetrics(MeterRegistry registry, ConcurrencyLimiter limiter) {
    this.registry = registry;
    Gauge.builder("iii.http.requests.in.flight", inFlight, AtomicInteger::get)
        .description("Public API requests being answered")
        .register(registry);
    Gauge.builder("iii.http.requests.waiting", limiter, ConcurrencyLimiter::waiting)
        .description("Public API requests waiting for a slot of their route's concurrency limit")
        .register(registry);
  }

  /** The timer of one series, built once (not on every request). */
  private Timer timer(Series series) {
    return timers.computeIfAbsent(
        series,
        k ->
            Timer.builder("iii.http.requests")
                .description("Public API requests by method, route template and status")
                .tag("method", k.method())
                .tag("route", k.route())
                .tag("status", k.status())
                .register(registry));
  }

  private record Series(String method, String route, String status) {}

  /** Starts measuring one request. */
  Request start(String method) {
    inFlight.incrementAndGet();
    return new Request(method, System.nanoTime());
  }

  /** One request being measured; {@link #done} counts it once. */
  final class Request {
    private final String method;
    private final long startNanos;
    private volatile String route = UNMATCHED;
    private boolean done;

    private Request(String method, long startNanos) {
      this.method = method;
      this.startNanos = startNanos;
    }

    void route(String template) {
      this.route = template;
    }

    /**
     * The response was written (or given up).
     *
     * @param status the status sent; {@code aborted} marks a stream cut short
     */
    void done(int status, boolean aborted) {
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
      }
      inFlight.decrementAndGet();
      timer(new Series(method, route, aborted ? "aborted" : Integer.toString(status)))
          .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
  }
}

package dev.iii4j.gateway.ws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bad frames of one connection: each is counted in {@code iii_frames_bad_total{reason}}, the first
 * {@value #LOGGED_IN_FULL} are logged with an excerpt, and after that at most one line every
 * {@value #SUMMARY_INTERVAL_MS} ms says how many more arrived, so a client sending garbage cannot
 * fill the disk. Thread-safe.
 */
final class BadFrameLog {
  private static final Logger LOG = LoggerFactory.getLogger(BadFrameLog.class);
  static final int LOGGED_IN_FULL = 3;
  static final long SUMMARY_INTERVAL_MS = 10_000;

  /** The counters by reason, shared by all connections of a listener. */
  static final class Counters {
    private final @Nullable MeterRegistry registry;
    private final Map<String, Counter> byReason = new ConcurrentHashMap<>();

    Counters(@Nullable MeterRegistry registry) {
      this.registry = registry;
    }

    void increment(String reason) {
      if (registry == null) {
        return;
      }
      byReason
          .computeIfAbsent(
              reason,
              r ->
                  Counter.builder("iii.frames.bad")
                      .description(
                          "Frames refused: undecodable, invalid UTF-8, too big, protocol errors")
                      .tag("reason", r)
                      .register(registry))
          .increment();
    }
  }

  private final Counters counters;
  private final Supplier<String> who;
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();
  private volatile long lastSummaryMs;

  BadFrameLog(Counters counters, Supplier<String> who) {
    this.counters = counters;
    this.who = who;
  }

  /**
   * Counts a bad frame and maybe logs it.
   *
   * @param reason a short metric tag ({@code decode}, {@code too_big}, ...)
   * @param detail what was wrong
   * @param excerpt the start of the frame, when it is text worth showing
   */
  void report(String reason, String detail, @Nullable String excerpt) {
    counters.increment(reason);
    long n = total.incrementAndGet();
    if (n <= LOGGED_IN_FULL) {
      LOG.warn(
          "worker {} sent a bad frame ({}: {}); dropped{}{}",
          who.get(),
          reason,
          detail,
          excerpt == null ? "" : ": ",
          excerpt == null ? "" : excerpt);
      if (n == LOGGED_IN_FULL) {
        lastSummaryMs = System.currentTimeMillis();
      }
      return;
    }
    long now = System.currentTimeMillis();
    long missed = suppressed.incrementAndGet();
    if (now - lastSummaryMs >= SUMMARY_INTERVAL_MS) {
      lastSummaryMs = now;
      suppressed.addAndGet(-missed);
      LOG.warn(
          "worker {} sent {} more bad frames (latest {}: {}); {} in all on this connection",
          who.get(),
          missed,
          reason,
          detail,
          n);
    }
  }
}

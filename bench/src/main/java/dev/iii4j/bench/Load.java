package dev.iii4j.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Load shapes shared by the benchmarks: sequential round trips, and a closed loop of N in flight.
 */
final class Load {
  /** How long one operation may take before the benchmark counts as crashed. */
  static final Duration OP_TIMEOUT = Duration.ofSeconds(60);

  private Load() {}

  /** Runs {@code warmup} then {@code count} operations one after another; returns their times. */
  static long[] sequential(int warmup, int count, Supplier<CompletableFuture<?>> op)
      throws Exception {
    for (int i = 0; i < warmup; i++) {
      op.get().get(OP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    long[] samples = new long[count];
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      op.get().get(OP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      samples[i] = System.nanoTime() - t0;
    }
    return samples;
  }

  /**
   * Sequential round trips of the floor and of ours in alternating slices ({@code rounds} of each,
   * {@code count} in all per side, after {@code warmup} of each), so both meet the same bursts of
   * whatever else the machine runs. Returns the floor's samples, then ours.
   */
  static long[][] interleavedSequential(
      int rounds,
      int warmup,
      int count,
      Supplier<CompletableFuture<?>> floor,
      Supplier<CompletableFuture<?>> ours)
      throws Exception {
    sequential(warmup, 0, floor);
    sequential(warmup, 0, ours);
    long[] floorSamples = new long[count];
    long[] oursSamples = new long[count];
    int done = 0;
    for (int r = 0; r < rounds; r++) {
      int slice = r == rounds - 1 ? count - done : count / rounds;
      System.arraycopy(sequential(0, slice, floor), 0, floorSamples, done, slice);
      System.arraycopy(sequential(0, slice, ours), 0, oursSamples, done, slice);
      done += slice;
    }
    return new long[][] {floorSamples, oursSamples};
  }

  /** One throughput measurement: operations per second after a warm-up. */
  interface Measure {
    double run(Duration warmup, Duration measure) throws Exception;
  }

  /**
   * The floor's and our throughput measured in alternating slices: {@code rounds} slices of {@code
   * measure / rounds} each, the first after {@code warmup}, later ones after {@code sliceWarmup}.
   * Returns the mean rate of the floor, then ours.
   */
  static double[] alternate(
      int rounds,
      Duration warmup,
      Duration sliceWarmup,
      Duration measure,
      Measure floor,
      Measure ours)
      throws Exception {
    Duration slice = measure.dividedBy(rounds);
    double f = 0;
    double o = 0;
    for (int r = 0; r < rounds; r++) {
      Duration w = r == 0 ? warmup : sliceWarmup;
      f += floor.run(w, slice);
      o += ours.run(w, slice);
    }
    return new double[] {f / rounds, o / rounds};
  }

  /**
   * Several throughputs measured in turn within each of {@code rounds} slices of {@code measure /
   * rounds}, the first slice after {@code warmup}, later ones after {@code sliceWarmup}. Returns
   * the mean rate of each, in the order given.
   */
  static double[] alternateAll(
      int rounds, Duration warmup, Duration sliceWarmup, Duration measure, List<Measure> measures)
      throws Exception {
    Duration slice = measure.dividedBy(rounds);
    double[] sums = new double[measures.size()];
    for (int r = 0; r < rounds; r++) {
      Duration w = r == 0 ? warmup : sliceWarmup;
      for (int i = 0; i < measures.size(); i++) {
        sums[i] += measures.get(i).run(w, slice);
      }
    }
    for (int i = 0; i < sums.length; i++) {
      sums[i] /= rounds;
    }
    return sums;
  }

  /**
   * Keeps {@code concurrency} operations in flight (each completion starts the next), warms up,
   * then counts completions for {@code measure}; returns operations per second.
   */
  static double closedLoop(
      int concurrency, Duration warmup, Duration measure, Supplier<CompletableFuture<?>> op)
      throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean counting = new AtomicBoolean(false);
    AtomicLong completed = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch drained = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      new Loop(op, running, counting, completed, failure, drained).next();
    }
    Thread.sleep(warmup.toMillis());
    counting.set(true);
    long t0 = System.nanoTime();
    long start = completed.get();
    Thread.sleep(measure.toMillis());
    long end = completed.get();
    long t1 = System.nanoTime();
    running.set(false);
    if (!drained.await(OP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "operations still in flight " + OP_TIMEOUT + " after the end");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("an operation failed: " + failure.get(), failure.get());
    }
    return (end - start) / ((t1 - t0) / 1e9);
  }

  private record Loop(
      Supplier<CompletableFuture<?>> op,
      AtomicBoolean running,
      AtomicBoolean counting,
      AtomicLong completed,
      AtomicReference<Throwable> failure,
      CountDownLatch drained) {
    void next() {
      if (!running.get()) {
        drained.countDown();
        return;
      }
      CompletableFuture<?> f;
      try {
        f = op.get();
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e);
        running.set(false);
        drained.countDown();
        return;
      }
      f.orTimeout(OP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                  running.set(false);
                } else {
                  completed.incrementAndGet();
                }
                next();
              });
    }
  }
}

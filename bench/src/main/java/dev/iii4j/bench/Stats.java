package dev.iii4j.bench;

import java.util.Arrays;

/** Percentiles of latency samples (nearest rank), in nanoseconds. */
record Stats(int count, double p50, double p99, double mean, double max) {

  /**
   * Summarises samples (nanoseconds); the array is sorted in place.
   *
   * @throws IllegalArgumentException when there are no samples
   */
  static Stats of(long[] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    Arrays.sort(samples);
    double sum = 0;
    for (long s : samples) {
      sum += s;
    }
    return new Stats(
        samples.length,
        percentile(samples, 50),
        percentile(samples, 99),
        sum / samples.length,
        samples[samples.length - 1]);
  }

  /** The nearest-rank percentile of sorted samples: the smallest sample with p% at or below it. */
  static double percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  double p50Micros() {
    return p50 / 1_000.0;
  }

  double p99Micros() {
    return p99 / 1_000.0;
  }
}

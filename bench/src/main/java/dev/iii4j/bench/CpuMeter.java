package dev.iii4j.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * CPU time per operation: of one server process (read from the operating system, as {@code ps}
 * does) and of this harness JVM, summed over the measured stretches only, divided by the operations
 * started in them.
 */
final class CpuMeter {
  private final ProcessHandle server;
  private static final com.sun.management.OperatingSystemMXBean HARNESS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final LongAdder operations = new LongAdder();
  private long serverNanos;
  private long harnessNanos;

  CpuMeter(long serverPid) {
    this.server =
        ProcessHandle.of(serverPid)
            .orElseThrow(() -> new IllegalStateException("no process " + serverPid));
  }

  /** A stretch of work whose CPU is counted. */
  interface Work {
    double run() throws Exception;
  }

  /** Runs {@code work}, adding the CPU both sides used meanwhile; returns what it returned. */
  double during(Work work) throws Exception {
    long s0 = serverCpu();
    long h0 = harnessCpuNanos();
    try {
      return work.run();
    } finally {
      serverNanos += serverCpu() - s0;
      harnessNanos += harnessCpuNanos() - h0;
    }
  }

  /** Counts one operation (call it where each one starts). */
  void count() {
    operations.increment();
  }

  long calls() {
    return operations.sum();
  }

  double serverMicrosPerCall() {
    return perCall(serverNanos);
  }

  double harnessMicrosPerCall() {
    return perCall(harnessNanos);
  }

  private double perCall(long nanos) {
    long n = operations.sum();
    return n == 0 ? Double.NaN : nanos / 1_000.0 / n;
  }

  private long serverCpu() {
    return cpuNanos(server);
  }

  /** The CPU time this harness JVM has used so far. */
  static long harnessCpuNanos() {
    return HARNESS.getProcessCpuTime();
  }

  /** The CPU time {@code process} has used so far, as the operating system reports it. */
  static long cpuNanos(ProcessHandle process) {
    return process
        .info()
        .totalCpuDuration()
        .map(Duration::toNanos)
        .orElseThrow(() -> new IllegalStateException("the OS reports no CPU time of " + process));
  }
}

package dev.iii4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Facts about this machine and JVM, for the report. */
final class Machine {
  private Machine() {}

  static String describe() {
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %s memory, %s %s",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        memTotal(),
        System.getProperty("os.name"),
        System.getProperty("os.version"));
  }

  static String jdk() {
    return System.getProperty("java.vm.vendor")
        + " "
        + System.getProperty("java.vm.name")
        + " "
        + System.getProperty("java.runtime.version");
  }

  /** The harness JVM's own flags and collectors. */
  static String harnessJvm() {
    List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    String gcs =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(", "));
    return "flags `" + String.join(" ", args) + "`, collectors " + gcs;
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux.
    }
    return "cpu unknown";
  }

  static String memTotal() {
    long kb = meminfo("MemTotal:");
    return kb <= 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
  }

  private static long meminfo(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux.
    }
    return -1;
  }

  /** VmRSS of a process in bytes, or 0 when unknown. */
  /** Runs {@code jcmd <pid> args...} and returns its output. */
  static String jcmd(long pid, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    command.add(Long.toString(pid));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(60, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static long rssBytes(long pid) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Gone, or not Linux.
    }
    return 0;
  }
}

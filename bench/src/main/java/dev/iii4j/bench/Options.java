package dev.iii4j.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of {@code bin/bench} and the sizes of each benchmark in quick and full mode.
 *
 * @param quick quick mode: seconds per benchmark (CI); otherwise the full mode
 * @param root the repository root
 * @param out where the report goes
 * @param only the benchmarks to run (B1..B9); empty runs all
 * @param label a label printed in the report (for lever experiments)
 * @param serviceOpts JVM flags of every service JVM and of the floor server
 * @param gatewayOpts extra JVM flags of the gateway only
 * @param serviceEnv extra environment of every service process
 * @param queueWarmupTime B5's warm-up of our side lasts at least this long (rounds of {@link
 *     #queueWarmup()} messages): the queue replicas are fresh JVMs, and on a loaded machine their
 *     JIT compiler is still busy with the hot path for tens of seconds; 20 s in full mode, none in
 *     quick mode, {@code --queue-warmup-seconds N} to change it
 */
record Options(
    boolean quick,
    Path root,
    Path out,
    Set<String> only,
    String label,
    String serviceOpts,
    String gatewayOpts,
    Map<String, String> serviceEnv,
    Duration queueWarmupTime) {

  static final String DEFAULT_SERVICE_OPTS = "-Xmx384m";

  static Options parse(String[] args) {
    boolean quick = false;
    Path root = Path.of(".");
    Path out = null;
    Set<String> only = new LinkedHashSet<>();
    String label = "";
    String serviceOpts = DEFAULT_SERVICE_OPTS;
    String gatewayOpts = "";
    Map<String, String> env = new LinkedHashMap<>();
    Duration queueWarmupTime = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> quick = true;
        case "--full" -> quick = false;
        case "--root" -> root = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--only" -> {
          for (String b : args[++i].split(",")) {
            only.add(b.trim().toUpperCase(Locale.ROOT));
          }
        }
        case "--label" -> label = args[++i];
        case "--service-opts" -> serviceOpts = args[++i];
        case "--gateway-opts" -> gatewayOpts = args[++i];
        case "--queue-warmup-seconds" ->
            queueWarmupTime = Duration.ofSeconds(Long.parseLong(args[++i]));
        case "--service-env" -> {
          String kv = args[++i];
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--service-env wants KEY=VALUE, got " + kv);
          }
          env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
      }
    }
    root = root.toAbsolutePath().normalize();
    if (out == null) {
      out = quick ? root.resolve("bench/target/bench-quick") : root.resolve("bench/results");
    }
    if (queueWarmupTime == null) {
      queueWarmupTime = quick ? Duration.ZERO : Duration.ofSeconds(20);
    }
    return new Options(
        quick,
        root,
        out.toAbsolutePath(),
        only,
        label,
        serviceOpts,
        gatewayOpts,
        Map.copyOf(env),
        queueWarmupTime);
  }

  static String usage() {
    return """
        usage: bin/bench [--quick|--full] [--only B1,B2,...] [--out DIR] [--label TEXT]
                         [--service-opts "JVM flags"] [--gateway-opts "JVM flags"]
                         [--service-env KEY=VALUE]... [--queue-warmup-seconds N] [--no-build]""";
  }

  boolean runs(String id) {
    return only.isEmpty() || only.contains(id);
  }

  List<String> serviceJvmFlags() {
    return split(serviceOpts);
  }

  List<String> gatewayJvmFlags() {
    List<String> all = new ArrayList<>(split(serviceOpts));
    all.addAll(split(gatewayOpts));
    return all;
  }

  private static List<String> split(String flags) {
    List<String> out = new ArrayList<>();
    for (String f : flags.trim().split("\\s+")) {
      if (!f.isBlank()) {
        out.add(f);
      }
    }
    return out;
  }

  // Sizes: quick mode keeps the whole run well under three minutes on two busy cores.

  int latencyWarmup() {
    return quick ? 1_000 : 20_000;
  }

  int latencyCount() {
    return quick ? 2_000 : 50_000;
  }

  Duration throughputWarmup() {
    return quick ? Duration.ofMillis(300) : Duration.ofSeconds(3);
  }

  Duration throughputMeasure() {
    return quick ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
  }

  /** Floor and ours alternate in this many slices, so both meet the same noise. */
  int rounds() {
    return quick ? 2 : 5;
  }

  /** Warm-up before each slice after the first. */
  Duration sliceWarmup() {
    return quick ? Duration.ofMillis(200) : Duration.ofSeconds(1);
  }

  /** Slices of the wrk runs of B7 (wrk runs whole seconds). */
  int httpRounds() {
    return quick ? 1 : 5;
  }

  int nodeWarmup() {
    return quick ? 300 : 3_000;
  }

  int nodeCount() {
    return quick ? 1_000 : 20_000;
  }

  /** Round trips per payload size (the 1 MiB size takes fewer). */
  int payloadCount(int bytes) {
    if (bytes >= 1 << 20) {
      return quick ? 20 : 300;
    }
    return quick ? 500 : 10_000;
  }

  int payloadWarmup(int bytes) {
    if (bytes >= 1 << 20) {
      return quick ? 5 : 50;
    }
    return quick ? 200 : 2_000;
  }

  int queueMessages() {
    return quick ? 1_000 : 20_000;
  }

  int queueWarmup() {
    return quick ? 100 : 2_000;
  }

  Duration httpWarmup() {
    return quick ? Duration.ofSeconds(1) : Duration.ofSeconds(3);
  }

  /** B7's warm-up of each endpoint's JVM before its first point (http-service starts cold). */
  Duration httpServiceWarmup() {
    return quick ? Duration.ofSeconds(1) : Duration.ofSeconds(20);
  }

  Duration httpMeasure() {
    return quick ? Duration.ofSeconds(1) : Duration.ofSeconds(15);
  }

  int scaleWorkers() {
    return quick ? 100 : 1_000;
  }

  Duration idleSettle() {
    return quick ? Duration.ofMillis(500) : Duration.ofSeconds(5);
  }
}

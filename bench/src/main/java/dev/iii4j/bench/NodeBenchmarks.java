package dev.iii4j.bench;

import dev.iii4j.process.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * B3: the sync round trip with the Node {@code iii-sdk@0.22.1} on both ends (caller and worker each
 * a Node process) through the gateway, against a Node {@code ws} client and {@code ws} echo server
 * (two processes) moving the caller's frame. The scripts are {@code bench/node/roundtrip.mjs}.
 */
final class NodeBenchmarks {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

  private final Stack stack;
  private final Options options;
  private final Report report;

  NodeBenchmarks(Stack stack, Options options, Report report) {
    this.stack = stack;
    this.options = options;
    this.report = report;
  }

  void run() throws Exception {
    Path dir = options.root().resolve("bench/node");
    if (!Files.isDirectory(dir.resolve("node_modules/iii-sdk"))) {
      throw new IllegalStateException(
          "bench/node/node_modules is missing: run `npm ci` in bench/node (bin/bench does)");
    }
    String script = dir.resolve("roundtrip.mjs").toString();
    String warmup = Integer.toString(options.nodeWarmup());
    String count = Integer.toString(options.nodeCount());

    ChildProcess server =
        stack.process("node-echo-server", List.of("node", script, "echo-server"), Map.of());
    String port = server.awaitLine(Pattern.compile("^READY (\\d+)$"), RUN_TIMEOUT).group(1);
    Stats floor;
    try {
      ChildProcess client =
          stack.process(
              "node-echo-client",
              List.of("node", script, "echo-client", "ws://127.0.0.1:" + port, warmup, count),
              Map.of());
      floor = Stats.of(samples(client.awaitExit(RUN_TIMEOUT)));
    } finally {
      server.close();
    }

    String url = stack.gateway().wsUrl().toString();
    String fn = "bench::node::echo";
    ChildProcess worker =
        stack.process("node-iii-worker", List.of("node", script, "iii-worker", url, fn), Map.of());
    Stats ours;
    try {
      worker.awaitLine(Pattern.compile("^READY$"), RUN_TIMEOUT);
      ChildProcess caller =
          stack.process(
              "node-iii-caller",
              List.of("node", script, "iii-caller", url, fn, warmup, count),
              Map.of());
      ours = Stats.of(samples(caller.awaitExit(RUN_TIMEOUT)));
    } finally {
      worker.close();
    }
    report.add(
        Row.vsFloor(
                "B3",
                "sync call round trip p50 (Node iii-sdk → gateway → Node iii-sdk)",
                Unit.MICROS,
                ours.p50Micros(),
                floor.p50Micros(),
                Goal.ratioAtMost(3.0))
            .withNote(
                String.format(
                    Locale.ROOT,
                    "%s sequential calls after %s warm-up; floor: Node ws client ↔ Node ws echo"
                        + " server of the same invokefunction frame",
                    count,
                    warmup)));
    report.add(
        Row.vsFloor(
            "B3",
            "sync call round trip p99 (Node)",
            Unit.MICROS,
            ours.p99Micros(),
            floor.p99Micros(),
            Goal.none()));
  }

  /** Reads {@code {"samples_ns":[...]}} from the last line that has it. */
  static long[] samples(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i).trim();
      if (line.startsWith("{\"samples_ns\":[")) {
        String body = line.substring(line.indexOf('[') + 1, line.lastIndexOf(']'));
        if (body.isBlank()) {
          return new long[0];
        }
        String[] parts = body.split(",");
        long[] out = new long[parts.length];
        for (int j = 0; j < parts.length; j++) {
          out[j] = Long.parseLong(parts[j].trim());
        }
        return out;
      }
    }
    throw new IllegalStateException("no samples in the output:\n" + String.join("\n", lines));
  }
}

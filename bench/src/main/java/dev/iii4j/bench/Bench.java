package dev.iii4j.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bin/bench}: runs the benchmarks B1 to B9 (bench/README.md) with their floors in one run
 * and writes {@code report.md} and {@code report.json}. Exits 1 when a benchmark crashed or
 * produced no figure; a missed goal only shows in the report.
 */
public final class Bench {
  private Bench() {}

  /** A benchmark body. */
  interface Body {
    void run() throws Exception;
  }

  /** Runs one benchmark; a crash becomes an error row instead of ending the run. */
  static void guard(Report report, String id, String name, Body body) {
    System.out.println("bench: " + id + " " + name);
    try {
      body.run();
    } catch (Exception | Error e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      System.err.println("bench: " + id + " " + name + " failed:");
      e.printStackTrace();
      String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      report.add(Row.failed(id, name, e.getClass().getSimpleName() + ": " + message));
    }
  }

  /** Entry point; see {@link Options#usage()}. */
  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Report report = new Report();
    long started = System.nanoTime();
    String date =
        DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                Instant.now().atOffset(ZoneOffset.UTC).withNano(0))
            + "Z";
    report.meta("date", date);
    report.meta(
        "mode", options.quick() ? "quick (CI: sizes for seconds, figures are rough)" : "full");
    if (!options.label().isBlank()) {
      report.meta("label", options.label());
    }
    report.meta("machine", Machine.describe());
    report.meta("JDK", Machine.jdk());
    report.meta("load average at start", Machine.loadAverage());
    report.meta("harness JVM (load generators, SDK clients)", Machine.harnessJvm());
    System.out.println(
        "bench: " + (options.quick() ? "quick" : "full") + " run, report in " + options.out());

    try (Stack stack = new Stack(options)) {
      // Ctrl-C or a CI timeout: the services and infrastructure go with the harness.
      Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "bench-stop"));
      if (options.runs("B1") || options.runs("B2") || options.runs("B4")) {
        guard(report, "B1/B2/B4", "setup", () -> new CallBenchmarks(stack, options, report).run());
      }
      if (options.runs("B3")) {
        guard(
            report,
            "B3",
            "Node round trip",
            () -> new NodeBenchmarks(stack, options, report).run());
      }
      if (options.runs("B6")) {
        guard(report, "B6", "state", () -> new StateBenchmarks(stack, options, report).run());
      }
      if (options.runs("B5")) {
        guard(report, "B5", "queue", () -> new QueueBenchmarks(stack, options, report).run());
      }
      if (options.runs("B7")) {
        guard(report, "B7", "HTTP trigger", () -> new HttpBenchmarks(stack, options, report).run());
      }
      if (options.runs("B8")) {
        guard(
            report, "B8", "1,000 workers", () -> new ScaleBenchmarks(stack, options, report).run());
      }
      if (options.runs("B9")) {
        guard(report, "B9", "footprint", () -> footprint(stack, report));
      }
      report.meta(
          "service JVMs (gateway, services, floor server)",
          "flags `"
              + options.serviceOpts()
              + "`"
              + (options.gatewayOpts().isBlank()
                  ? ""
                  : ", gateway also `" + options.gatewayOpts() + "`")
              + ", GC "
              + stack.serviceGc()
              + ", gateway worker sockets: epoll, one thread per two cores (at least one), unless the flags say otherwise");
      if (!options.serviceEnv().isEmpty()) {
        report.meta("service environment", options.serviceEnv().toString());
      }
      // Always the directory beside the report (no machine's paths in a committed report).
      report.meta("logs", "`" + stack.logs().getFileName() + "/` beside this report");
    } catch (RuntimeException e) {
      e.printStackTrace();
      report.add(Row.failed("-", "harness", e.toString()));
    }
    report.meta("Node", tool("node", "--version"));
    report.meta("load average at end", Machine.loadAverage());
    report.meta(
        "duration", String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - started) / 1e9));
    String title = "iii4j benchmarks: " + (options.quick() ? "quick run" : "full run");
    report.write(options.out(), "report", title);
    System.out.println();
    System.out.println(report.markdown(title));
    System.out.println("bench: wrote " + options.out().resolve("report.md") + " and report.json");
    long misses = report.rows().stream().filter(r -> r.verdict() == Verdict.MISS).count();
    if (misses > 0) {
      System.out.println("bench: " + misses + " rows miss their goal (reported, not a failure)");
    }
    if (report.crashed()) {
      System.err.println("bench: a benchmark crashed; see the rows marked error");
      System.exit(1);
    }
    System.exit(0);
  }

  private static void footprint(Stack stack, Report report) {
    stack.gateway();
    Map<String, Stack.Footprint> seen = stack.footprints();
    if (!seen.containsKey("state-service")) {
      stack.stop(stack.startState());
    }
    if (!seen.containsKey("queue-service-1")) {
      stack.stop(stack.startQueue(1));
    }
    if (!seen.containsKey("http-service")) {
      stack.stop(stack.startHttp());
    }
    stack.stop(stack.startCron());
    for (String name :
        List.of(
            "engine-gateway", "state-service", "queue-service-1", "http-service", "cron-service")) {
      Stack.Footprint f = seen.get(name);
      if (f == null) {
        continue;
      }
      String service = name.equals("queue-service-1") ? "queue-service" : name;
      report.add(
          Row.alone("B9", service + " start to ready", Unit.MILLIS, f.readyMillis(), Goal.none())
              .withNote(
                  "process launch until /health/readiness answers 200"
                      + (f.micronautMillis() == null
                          ? ""
                          : "; Micronaut reports startup in "
                              + Unit.MILLIS.format(f.micronautMillis()))));
      report.add(
          Row.alone(
              "B9",
              service + " idle RSS",
              Unit.MEGABYTES,
              f.idleRssBytes() / (1024.0 * 1024.0),
              Goal.none()));
    }
  }

  private static String tool(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return out.lines().findFirst().orElse("unknown");
    } catch (Exception e) {
      return "not found";
    }
  }
}

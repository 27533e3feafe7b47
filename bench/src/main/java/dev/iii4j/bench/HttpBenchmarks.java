package dev.iii4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.process.ChildProcess;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * B7: {@code GET /bench/<id>} through http-service, the gateway and a Java SDK handler (an {@code
 * http} trigger), against a bare Netty HTTP endpoint answering the same body, both loaded by {@code
 * wrk} with 1, 8 and 64 keep-alive connections.
 */
final class HttpBenchmarks {
  private static final List<Integer> CONNECTIONS = List.of(1, 8, 64);

  /** Connections of the warm-up that comes before every measured point. */
  private static final int WARMUP_CONNECTIONS = 8;

  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern P50 = Pattern.compile("^\\s*50%\\s+([0-9.]+)(us|ms|s)\\s*$");
  private static final Pattern P99 = Pattern.compile("^\\s*99%\\s+([0-9.]+)(us|ms|s)\\s*$");
  private static final String NOOP = "bench::noop";
  private static final int NOOP_IN_FLIGHT = 64;
  private static final double P50_MARGIN_MICROS = 150;
  private static final double P99_AT_8_MICROS = 5_000;
  private static final Pattern BAD = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

  private final Stack stack;
  private final Options options;
  private final Report report;

  /** One wrk run: requests per second, p50 and p99 in microseconds. */
  record WrkResult(double perSecond, double p50Micros, double p99Micros) {}

  HttpBenchmarks(Stack stack, Options options, Report report) {
    this.stack = stack;
    this.options = options;
    this.report = report;
  }

  static String wrkBinary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, "wrk");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException("wrk is not installed (Debian: apt-get install wrk)");
  }

  void run() throws Exception {
    String wrk = wrkBinary();
    Stack.Floor floor = stack.floor();
    Stack.Service http = stack.startHttp();
    EngineWorker worker = Workers.create(stack.gateway().wsUrl(), "bench-http-handler");
    try {
      worker.registerFunction(
          "bench::http",
          FunctionHandler.sync(
              in ->
                  Json.object(
                      "status_code",
                      200,
                      "body",
                      Json.object("id", in.get("path_params").get("id")))));
      // The no-op engine call the HTTP path is compared with: B1's echo, 64 in flight.
      worker.registerFunction(NOOP, FunctionHandler.sync(in -> in));
      worker.start().get();
      worker.registerTrigger(
          "http", "bench::http", Json.object("api_path", "bench/:id", "http_method", "GET"));
      String ours = "http://127.0.0.1:" + http.port() + "/bench/1";
      String bare = "http://127.0.0.1:" + floor.httpPort() + "/bench/1";
      awaitOk(ours);
      awaitOk(bare);
      // The handler called directly through the gateway, without http-service: separates the
      // gateway's and the SDK's share of a request from http-service's.
      EngineWorker direct = Workers.started(stack.gateway().wsUrl(), "bench-http-direct");
      JsonNode small = CallBenchmarks.smallPayload();
      Workers.awaitCallable(direct, NOOP, small);
      Stats handlerOnly;
      double noopRate = 0;
      double callP50 = 0;
      try {
        JsonNode like =
            Json.object(
                "path_params",
                Json.object("id", "1"),
                "query_params",
                Json.object(),
                "headers",
                Json.object("host", "127.0.0.1"),
                "method",
                "GET");
        handlerOnly = Stats.of(Load.sequential(200, 1000, () -> direct.call("bench::http", like)));
        CpuShares shares =
            new CpuShares(http.proc().pid(), stack.gateway().proc().pid(), floor.pid());
        List<WrkResult> oursResults = new ArrayList<>();
        List<WrkResult> floorResults = new ArrayList<>();
        // Both endpoints' JVMs are warmed before the first slice, as B1's and B5's are:
        // http-service starts with this benchmark, and cold it measured its JIT (its p50 at one
        // connection fell from 4.7 to 0.3 ms over the first slices, while the bare endpoint's
        // stayed flat).
        wrk(wrk, bare, WARMUP_CONNECTIONS, options.httpServiceWarmup());
        wrk(wrk, ours, WARMUP_CONNECTIONS, options.httpServiceWarmup());
        for (int c : CONNECTIONS) {
          // Alternating slices: both sides meet the same bursts of other load. Figures are the
          // means of the slices (p99 too).
          int rounds = options.httpRounds();
          Duration slice = options.httpMeasure().dividedBy(rounds);
          double fRps = 0;
          double fP99 = 0;
          double oRps = 0;
          double oP99 = 0;
          double oP50 = 0;
          int calls = options.latencyCount() / rounds;
          for (int r = 0; r < rounds; r++) {
            Duration warm = r == 0 ? options.httpWarmup() : Duration.ofSeconds(1);
            wrk(wrk, bare, c, warm);
            long floor0 = c == NOOP_IN_FLIGHT ? shares.floorCpu() : 0;
            WrkResult fs = wrk(wrk, bare, c, slice);
            if (c == NOOP_IN_FLIGHT) {
              shares.addFloor(floor0, fs.perSecond() * slice.toNanos() / 1e9);
            }
            wrk(wrk, ours, c, warm);
            long[] cpu0 = c == NOOP_IN_FLIGHT ? shares.snapshot() : null;
            WrkResult os = wrk(wrk, ours, c, slice);
            if (cpu0 != null) {
              shares.addHttp(cpu0, os.perSecond() * slice.toNanos() / 1e9);
            }
            fRps += fs.perSecond() / rounds;
            fP99 += fs.p99Micros() / rounds;
            oRps += os.perSecond() / rounds;
            oP99 += os.p99Micros() / rounds;
            oP50 += os.p50Micros() / rounds;
            if (c == 1) {
              // B1's sequential call in the same alternation (never at the same time as wrk), so
              // the HTTP path's p50 is compared with the engine call's under the same load. The
              // p50 of each slice, averaged over the slices like wrk's.
              long[] samples =
                  Load.sequential(
                      r == 0 ? options.latencyWarmup() : calls / 10,
                      calls,
                      CallBenchmarks.syncCall(direct, NOOP, small));
              callP50 += Stats.of(samples).p50Micros() / rounds;
            }
            if (c == NOOP_IN_FLIGHT) {
              // In the same alternation, never at the same time as wrk.
              long[] n0 = shares.snapshot();
              double rate =
                  Load.closedLoop(
                      NOOP_IN_FLIGHT, warm, slice, CallBenchmarks.syncCall(direct, NOOP, small));
              // The snapshot also spans the warm-up: counted with the calls made in it.
              shares.addNoop(n0, rate * (slice.toNanos() + warm.toNanos()) / 1e9);
              noopRate += rate / rounds;
            }
          }
          WrkResult f = new WrkResult(fRps, Double.NaN, fP99);
          WrkResult o = new WrkResult(oRps, oP50, oP99);
          floorResults.add(f);
          oursResults.add(o);
          report.add(
              Row.vsFloor(
                  "B7",
                  "HTTP trigger req/s, " + c + (c == 1 ? " connection" : " connections"),
                  Unit.PER_SECOND,
                  o.perSecond(),
                  f.perSecond(),
                  Goal.ratioAtLeast(0.4)));
          report.add(
              Row.vsFloor(
                  "B7",
                  "HTTP trigger p99, " + c + (c == 1 ? " connection" : " connections"),
                  Unit.MICROS,
                  o.p99Micros(),
                  f.p99Micros(),
                  c == 8 ? Goal.valueAtMost(P99_AT_8_MICROS) : Goal.none()));
        }
        addComparisons(oursResults, callP50, noopRate);
        report.note(shares.describe());
        stack.saveMetrics(stack.gateway(), "after-B7");
        stack.saveMetrics(http, "after-B7");
        double oursGrowth = oursResults.get(1).p99Micros() / oursResults.get(0).p99Micros();
        double floorGrowth = floorResults.get(1).p99Micros() / floorResults.get(0).p99Micros();
        report.add(
            Row.vsFloor(
                    "B7",
                    "p99 growth from 1 to 8 connections",
                    Unit.FACTOR,
                    oursGrowth,
                    floorGrowth,
                    Goal.ratioAtMost(2.0))
                .withNote(
                    "\"no p99 jump at 8 connections\": our p99 may grow from 1 to 8 connections at"
                        + " most twice as much as the bare endpoint's does"));
        report.note(
            "B7: the handler called directly through the gateway (no http-service, sequential):"
                + " p50 "
                + Unit.MICROS.format(handlerOnly.p50Micros())
                + ", p99 "
                + Unit.MICROS.format(handlerOnly.p99Micros()));
        report.note(
            String.format(
                Locale.ROOT,
                "B7: wrk %d s per point in %d alternating slices (floor, ours, floor, ...; figures"
                    + " are the slices' means), %d s warm-up first, threads = min(connections, 2);"
                    + " before all points, each endpoint warmed %d s at %d connections;"
                    + " floor: bare Netty HTTP/1.1 endpoint in its own JVM, same body {\"id\":\"1\"}",
                options.httpMeasure().toSeconds(),
                options.httpRounds(),
                options.httpWarmup().toSeconds(),
                options.httpServiceWarmup().toSeconds(),
                WARMUP_CONNECTIONS));
      } finally {
        direct.close();
      }
    } finally {
      worker.close();
      stack.stop(http);
    }
  }

  /**
   * The rows that set the HTTP path against a plain engine call of the same run: p50 at one
   * connection against B1's call p50 measured in the same slices, req/s at 64 connections against
   * no-op calls/s at 64 in flight.
   */
  private void addComparisons(List<WrkResult> ours, double callP50, double noopRate) {
    WrkResult one = ours.get(CONNECTIONS.indexOf(1));
    WrkResult many = ours.get(CONNECTIONS.indexOf(NOOP_IN_FLIGHT));
    report.add(
        Row.vsFloor(
                "B7",
                "HTTP trigger p50, 1 connection (floor: B1's sync call p50 in the same slices)",
                Unit.MICROS,
                one.p50Micros(),
                callP50,
                Goal.none())
            .withNote(
                "floor: B1's call (Java SDK caller → gateway → Java SDK echo, payload"
                    + " {\"n\":1,\"s\":\"hello\"}, sequential), measured in slices alternating"
                    + " with wrk's at 1 connection; both are the means of the slices' p50"));
    report.add(
        Row.alone(
                "B7",
                "p50 at 1 connection minus B1's p50 of the same run",
                Unit.MICROS,
                one.p50Micros() - callP50,
                Goal.valueAtMost(P50_MARGIN_MICROS))
            .withNote("what the HTTP path adds to an engine call: at most 150 µs"));
    report.add(
        Row.alone(
            "B7",
            "no-op engine calls/s, " + NOOP_IN_FLIGHT + " in flight",
            Unit.PER_SECOND,
            noopRate,
            Goal.none()));
    report.add(
        Row.vsFloor(
                "B7",
                "HTTP trigger req/s, "
                    + NOOP_IN_FLIGHT
                    + " connections (floor: no-op engine calls/s, "
                    + NOOP_IN_FLIGHT
                    + " in flight)",
                Unit.PER_SECOND,
                many.perSecond(),
                noopRate,
                Goal.ratioAtLeast(0.6))
            .withNote(
                "no-op engine calls: a Java SDK caller calls a Java SDK echo function through the"
                    + " gateway (B1's call), 64 in flight, in slices alternating with wrk's"));
  }

  /**
   * CPU per request of each process at 64 connections: http-service, the gateway and this harness
   * (the handler's worker) during the wrk slices, the gateway and the harness (caller and callee)
   * during the no-op calls' slices. Where the HTTP path's extra cost goes; wrk's own is not
   * counted.
   */
  private static final class CpuShares {
    private final ProcessHandle http;
    private final ProcessHandle gateway;
    private final ProcessHandle floor;
    private long floorNanos;
    private double floorRequests;
    private final long[] httpNanos = new long[4];
    private final long[] noopNanos = new long[4];
    private double requests;
    private double calls;

    CpuShares(long httpPid, long gatewayPid, long floorPid) {
      this.http = ProcessHandle.of(httpPid).orElseThrow();
      this.gateway = ProcessHandle.of(gatewayPid).orElseThrow();
      this.floor = ProcessHandle.of(floorPid).orElseThrow();
    }

    long floorCpu() {
      return CpuMeter.cpuNanos(floor);
    }

    void addFloor(long before, double count) {
      floorNanos += floorCpu() - before;
      floorRequests += count;
    }

    long[] snapshot() {
      return new long[] {
        CpuMeter.cpuNanos(http),
        CpuMeter.cpuNanos(gateway),
        CpuMeter.harnessCpuNanos(),
        finishedChildrenCpuNanos()
      };
    }

    /**
     * The CPU of this JVM's finished children (Linux's cutime and cstime, in clock ticks of 10 ms):
     * across a wrk slice, wrk's own; 0 where /proc is absent.
     */
    private static long finishedChildrenCpuNanos() {
      try {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is the state (field 3 of the line): cutime and cstime are fields 16 and 17.
        return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * 10_000_000L;
      } catch (java.io.IOException | RuntimeException e) {
        return 0;
      }
    }

    void addHttp(long[] before, double count) {
      add(httpNanos, before);
      requests += count;
    }

    void addNoop(long[] before, double count) {
      add(noopNanos, before);
      calls += count;
    }

    private void add(long[] into, long[] before) {
      long[] now = snapshot();
      for (int i = 0; i < into.length; i++) {
        into[i] += now[i] - before[i];
      }
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "B7: CPU per request at %d connections: http-service %.1f µs,"
              + " gateway %.1f µs, handler's JVM %.1f µs, wrk %.1f µs; the bare endpoint's JVM %.1f µs; per no-op"
              + " call at %d in flight: gateway %.1f µs, caller's and callee's JVM %.1f µs",
          NOOP_IN_FLIGHT,
          httpNanos[0] / 1e3 / requests,
          httpNanos[1] / 1e3 / requests,
          httpNanos[2] / 1e3 / requests,
          httpNanos[3] / 1e3 / requests,
          floorNanos / 1e3 / floorRequests,
          NOOP_IN_FLIGHT,
          noopNanos[1] / 1e3 / calls,
          noopNanos[2] / 1e3 / calls);
    }
  }

  private static void awaitOk(String url) throws InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("\"1\"")) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (java.io.IOException e) {
        last = e.toString();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(url + " never answered 200: " + last);
  }

  private WrkResult wrk(String wrk, String url, int connections, Duration duration) {
    long seconds = Math.max(1, duration.toSeconds());
    ChildProcess p =
        stack.process(
            "wrk",
            List.of(
                wrk,
                "-t",
                Integer.toString(Math.min(connections, 2)),
                "-c",
                Integer.toString(connections),
                "-d",
                seconds + "s",
                "--timeout",
                "30s",
                "--latency",
                url),
            Map.of());
    List<String> lines = p.awaitExit(Duration.ofSeconds(seconds + 120));
    return parse(lines);
  }

  static WrkResult parse(List<String> lines) {
    Double rps = null;
    Double p50 = null;
    Double p99 = null;
    for (String line : lines) {
      Matcher bad = BAD.matcher(line);
      if (bad.find()) {
        throw new IllegalStateException(
            "wrk saw " + bad.group(1) + " failed responses:\n" + String.join("\n", lines));
      }
      Matcher r = RPS.matcher(line);
      if (r.find()) {
        rps = Double.valueOf(r.group(1));
      }
      Matcher median = P50.matcher(line);
      if (median.find()) {
        p50 = micros(median);
      }
      Matcher q = P99.matcher(line);
      if (q.find()) {
        p99 = micros(q);
      }
    }
    if (rps == null || p50 == null || p99 == null) {
      throw new IllegalStateException("cannot read wrk's output:\n" + String.join("\n", lines));
    }
    return new WrkResult(rps, p50, p99);
  }

  private static double micros(Matcher m) {
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> v;
      case "ms" -> v * 1_000;
      default -> v * 1_000_000;
    };
  }
}

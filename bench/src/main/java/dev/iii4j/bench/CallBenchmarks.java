package dev.iii4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * B1, B2 and B4: synchronous calls from a Java SDK caller through the gateway to a Java SDK worker
 * that echoes its input, against the WebSocket floor: the JDK WebSocket client (the SDK's
 * transport) and the Netty echo server (the gateway's transport), moving the bytes of the caller's
 * {@code invokefunction} frame. Caller, worker and echo client live in the harness JVM; the gateway
 * and the echo server are processes started with the same JVM flags.
 */
final class CallBenchmarks {
  static final String ECHO = "bench::echo";
  private static final List<Integer> CONCURRENCY = List.of(1, 16, 64, 256);
  private static final List<Integer> SIZES = List.of(100, 10 * 1024, 1024 * 1024);

  private final Stack stack;
  private final Options options;
  private final Report report;

  CallBenchmarks(Stack stack, Options options, Report report) {
    this.stack = stack;
    this.options = options;
    this.report = report;
  }

  void run() throws Exception {
    Stack.Service gateway = stack.gateway();
    Stack.Floor floor = stack.floor();
    EngineWorker worker = Workers.create(gateway.wsUrl(), "bench-echo-worker");
    worker.registerFunction(ECHO, FunctionHandler.sync(in -> in));
    worker.start().get();
    EngineWorker caller = Workers.started(gateway.wsUrl(), "bench-caller");
    JsonNode small = smallPayload();
    Workers.awaitCallable(caller, ECHO, small);
    try (EchoClient echo = EchoClient.connect(floor.wsUrl())) {
      if (options.runs("B1")) {
        Bench.guard(report, "B1", "sync call round trip", () -> b1(caller, echo, small));
      }
      if (options.runs("B2")) {
        for (int c : CONCURRENCY) {
          Bench.guard(report, "B2", c + " in flight", () -> b2(caller, echo, small, c, gateway));
        }
      }
      if (options.runs("B4")) {
        for (int size : SIZES) {
          Bench.guard(report, "B4", label(size), () -> b4(caller, echo, size));
        }
        report.note(
            "B4: ratio of the p50 round trip against the echo of the same size; the curve shows"
                + " where the engine's per-byte cost (JSON decode and re-encode of the payload on"
                + " each of the four hops) takes over from its per-call cost.");
      }
    } finally {
      caller.close();
      worker.close();
    }
  }

  /** B1's payload, {@code {"n":1,"s":"hello"}}. */
  static JsonNode smallPayload() {
    return Json.object("n", 1, "s", "hello");
  }

  /**
   * B1's operation: one synchronous call of {@code function} (an echo) by a Java SDK caller,
   * answered by a Java SDK worker through the gateway. B7 measures the same call to compare the
   * HTTP path with it in the same run.
   */
  static Supplier<CompletableFuture<?>> syncCall(
      EngineWorker caller, String function, JsonNode payload) {
    return () -> caller.call(function, payload);
  }

  private void b1(EngineWorker caller, EchoClient echo, JsonNode small) throws Exception {
    int warmup = options.latencyWarmup();
    int count = options.latencyCount();
    RoundTrips trips = roundTrips(caller, echo, small, warmup, count);
    Stats floor = trips.floor();
    Stats ours = trips.ours();
    report.add(
        Row.vsFloor(
                "B1",
                "sync call round trip p50 (Java SDK → gateway → Java SDK)",
                Unit.MICROS,
                ours.p50Micros(),
                floor.p50Micros(),
                Goal.ratioAtMost(2.5))
            .withNote(
                String.format(
                    Locale.ROOT,
                    "%d sequential calls after %d warm-up, in %d slices alternating with the"
                        + " floor's, payload %d B; floor: JDK WebSocket client ↔ Netty echo of the"
                        + " %d-byte invokefunction frame",
                    count,
                    warmup,
                    options.rounds(),
                    Json.write(small).length(),
                    trips.frameLength())));
    report.add(
        Row.vsFloor(
            "B1",
            "sync call round trip p99",
            Unit.MICROS,
            ours.p99Micros(),
            floor.p99Micros(),
            Goal.none()));
  }

  /**
   * The latencies of B1 and B4: the floor's echo of the call's frame, and our synchronous call;
   * {@code frameLength} is the length of that frame.
   */
  private record RoundTrips(Stats floor, Stats ours, int frameLength) {}

  /**
   * {@code count} sequential calls of {@link #ECHO} with {@code payload} after {@code warmup}, in
   * slices alternating with the floor's: the same call's {@code invokefunction} frame through the
   * echo client.
   */
  private RoundTrips roundTrips(
      EngineWorker caller, EchoClient echo, JsonNode payload, int warmup, int count)
      throws Exception {
    String frame = Json.invokeFrame(ECHO, payload);
    long[][] samples =
        Load.interleavedSequential(
            options.rounds(),
            warmup,
            count,
            () -> echo.roundTrip(frame),
            syncCall(caller, ECHO, payload));
    return new RoundTrips(Stats.of(samples[0]), Stats.of(samples[1]), frame.length());
  }

  private void b2(
      EngineWorker caller, EchoClient echo, JsonNode small, int concurrency, Stack.Service gateway)
      throws Exception {
    String frame = Json.invokeFrame(ECHO, small);
    CpuMeter cpu = new CpuMeter(gateway.proc().pid());
    double[] rates =
        Load.alternate(
            options.rounds(),
            options.throughputWarmup(),
            options.sliceWarmup(),
            options.throughputMeasure(),
            (w, m) -> Load.closedLoop(concurrency, w, m, () -> echo.roundTrip(frame)),
            (w, m) -> {
              Supplier<CompletableFuture<?>> call = syncCall(caller, ECHO, small);
              return cpu.during(
                  () ->
                      Load.closedLoop(
                          concurrency,
                          w,
                          m,
                          () -> {
                            cpu.count();
                            return call.get();
                          }));
            });
    double floor = rates[0];
    double ours = rates[1];
    report.add(
        Row.vsFloor(
            "B2",
            "sync calls/s, " + concurrency + " in flight",
            Unit.PER_SECOND,
            ours,
            floor,
            concurrency == 64 ? Goal.ratioAtLeast(0.4) : Goal.none()));
    if (concurrency == 64) {
      report.add(
          Row.alone(
                  "B2",
                  "gateway CPU per call, " + concurrency + " in flight",
                  Unit.MICROS,
                  cpu.serverMicrosPerCall(),
                  Goal.none())
              .withNote(
                  String.format(
                      Locale.ROOT,
                      "the gateway process's CPU time during our slices over the calls made in"
                          + " them (%,d); the harness JVM (caller and worker SDKs, and the JIT"
                          + " and GC of both) used %s per call",
                      cpu.calls(),
                      Unit.MICROS.format(cpu.harnessMicrosPerCall()))));
    }
  }

  private void b4(EngineWorker caller, EchoClient echo, int size) throws Exception {
    int count = options.payloadCount(size);
    RoundTrips trips =
        roundTrips(caller, echo, Json.sized(size), options.payloadWarmup(size), count);
    Stats floor = trips.floor();
    Stats ours = trips.ours();
    report.add(
        Row.vsFloor(
                "B4",
                "round trip p50, payload " + label(size),
                Unit.MICROS,
                ours.p50Micros(),
                floor.p50Micros(),
                Goal.none())
            .withNote(
                String.format(
                    Locale.ROOT,
                    "p99 ours %s, floor %s (%d calls)",
                    Unit.MICROS.format(ours.p99Micros()),
                    Unit.MICROS.format(floor.p99Micros()),
                    count)));
  }

  static String label(int size) {
    if (size >= 1024 * 1024) {
      return (size / (1024 * 1024)) + " MiB";
    }
    if (size >= 1024) {
      return (size / 1024) + " KiB";
    }
    return size + " B";
  }
}

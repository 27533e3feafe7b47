package dev.iii4j.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * B8: N workers (1,000 in the full run) connect to a gateway of their own, a process that served
 * nothing before, and register 10 functions each. Measured: the time until the gateway counts every
 * worker and function ({@code /prometheus}), its heap after a full GC and its resident set with all
 * of them connected, and the time from all of them closing until the gateway counts none.
 *
 * <p>The workers are raw WebSocket connections of one JDK HTTP client (the SDK's transport) that
 * send exactly the frames a Java SDK worker sends when it connects; one SDK instance per worker
 * would measure a thousand client-side thread pools in the harness instead of the gateway.
 */
final class ScaleBenchmarks {
  private static final int FUNCTIONS = 10;
  private static final int HANDSHAKES_IN_FLIGHT = 64;
  private static final HttpClient METRICS = HttpClient.newHttpClient();

  private final Stack stack;
  private final Options options;
  private final Report report;

  ScaleBenchmarks(Stack stack, Options options, Report report) {
    this.stack = stack;
    this.options = options;
    this.report = report;
  }

  void run() throws Exception {
    Stack.Service gateway = stack.startGateway("engine-gateway-scale");
    HttpClient client = HttpClient.newHttpClient();
    List<WebSocket> sockets = new ArrayList<>();
    try {
      int n = options.scaleWorkers();
      long baseWorkers = metric(gateway, "iii_workers_connected");
      long baseFunctions = metric(gateway, "iii_functions_registered");
      long rssBefore = Machine.rssBytes(gateway.proc().pid());
      Semaphore handshakes = new Semaphore(HANDSHAKES_IN_FLIGHT);
      List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int w = 0; w < n; w++) {
        handshakes.acquire();
        int worker = w;
        CompletableFuture<WebSocket> f =
            client
                .newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(60))
                .buildAsync(gateway.wsUrl(), new Drain())
                .thenCompose(ws -> register(ws, worker));
        f.whenComplete((ws, e) -> handshakes.release());
        opening.add(f);
      }
      for (CompletableFuture<WebSocket> f : opening) {
        sockets.add(f.get(2, TimeUnit.MINUTES));
      }
      long wantWorkers = baseWorkers + n;
      long wantFunctions = baseFunctions + (long) n * FUNCTIONS;
      awaitMetric(gateway, "iii_workers_connected", v -> v >= wantWorkers);
      awaitMetric(gateway, "iii_functions_registered", v -> v >= wantFunctions);
      double registerMillis = (System.nanoTime() - t0) / 1e6;

      Machine.jcmd(gateway.proc().pid(), "GC.run");
      long heap = heapUsed(gateway);
      long rss = Machine.rssBytes(gateway.proc().pid());

      long t1 = System.nanoTime();
      List<CompletableFuture<WebSocket>> closing = new ArrayList<>();
      for (WebSocket ws : sockets) {
        closing.add(ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
      }
      awaitMetric(gateway, "iii_workers_connected", v -> v <= baseWorkers);
      awaitMetric(gateway, "iii_functions_registered", v -> v <= baseFunctions);
      double cleanupMillis = (System.nanoTime() - t1) / 1e6;
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);

      String who = String.format(Locale.ROOT, "%,d workers × %d functions", n, FUNCTIONS);
      report.add(
          Row.alone("B8", "time to register " + who, Unit.MILLIS, registerMillis, Goal.none())
              .withNote(
                  "from the first connect until the gateway's /prometheus counts every worker and"
                      + " function; "
                      + HANDSHAKES_IN_FLIGHT
                      + " handshakes in flight"));
      report.add(
          Row.alone("B8", "gateway RSS with " + who, Unit.MEGABYTES, mb(rss), Goal.valueAtMost(300))
              .withNote(
                  String.format(
                      Locale.ROOT,
                      "%s before the workers connected",
                      Unit.MEGABYTES.format(mb(rssBefore)))));
      report.add(
          Row.alone(
              "B8",
              "gateway heap after full GC with " + who,
              Unit.MEGABYTES,
              mb(heap),
              Goal.none()));
      report.add(
          Row.alone(
                  "B8",
                  "cleanup after all " + n + " disconnect",
                  Unit.MILLIS,
                  cleanupMillis,
                  Goal.valueAtMost(2000))
              .withNote(
                  "from the close frames until the gateway counts no worker and no function"));
    } finally {
      for (WebSocket ws : sockets) {
        ws.abort();
      }
      stack.stop(gateway);
    }
  }

  /** The frames the Java SDK sends on connect: its functions, then engine::workers::register. */
  private static CompletableFuture<WebSocket> register(WebSocket ws, int worker) {
    CompletableFuture<WebSocket> chain = CompletableFuture.completedFuture(ws);
    for (int f = 0; f < FUNCTIONS; f++) {
      String frame =
          "{\"type\":\"registerfunction\",\"id\":\"bench::scale::w" + worker + "::f" + f + "\"}";
      chain = chain.thenCompose(s -> s.sendText(frame, true));
    }
    String hello =
        "{\"type\":\"invokefunction\",\"function_id\":\"engine::workers::register\",\"data\":"
            + "{\"runtime\":\"java\",\"name\":\"bench-scale-"
            + worker
            + "\"}}";
    return chain.thenCompose(s -> s.sendText(hello, true));
  }

  /** Reads and drops what the gateway sends (workerregistered, ...). */
  private static final class Drain implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      ws.request(1);
      return null;
    }
  }

  private static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  private static void awaitMetric(Stack.Service gateway, String name, LongPredicate done)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    long last = -1;
    while (System.nanoTime() < deadline) {
      last = metric(gateway, name);
      if (done.test(last)) {
        return;
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(name + " stuck at " + last);
  }

  private static String scrape(Stack.Service gateway) throws Exception {
    return METRICS
        .send(
            HttpRequest.newBuilder(URI.create(gateway.management("/prometheus")))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static long metric(Stack.Service gateway, String name) throws Exception {
    return (long) sum(scrape(gateway), name, null);
  }

  private static long heapUsed(Stack.Service gateway) throws Exception {
    return (long) sum(scrape(gateway), "jvm_memory_used_bytes", "area=\"heap\"");
  }

  /** Sums the samples of a Prometheus metric, optionally only those whose labels contain a text. */
  static double sum(String exposition, String name, String labelFilter) {
    double total = 0;
    boolean found = false;
    for (String line : exposition.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      String rest = line.substring(name.length());
      if (!(rest.startsWith(" ") || rest.startsWith("{"))) {
        continue;
      }
      if (labelFilter != null && !rest.contains(labelFilter)) {
        continue;
      }
      String[] parts = line.trim().split("\\s+");
      total += Double.parseDouble(parts[parts.length - 1]);
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("no metric " + name + " in /prometheus");
    }
    return total;
  }
}

package dev.iii4j.stream;

import static dev.iii4j.stream.Items.item;
import static dev.iii4j.testing.Calls.unique;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.Calls;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Not part of the suite (the name does not match Surefire's includes): run it with {@code ./mvnw -o
 * verify -pl stream-service -Dtest=StreamLatencyBench}. One gateway, one replica, embedded
 * PostgreSQL and the clients in one JVM; prints the numbers docs/stream-service.md quotes.
 */
class StreamLatencyBench {

  @Test
  void measure() throws Exception {
    try (GatewayHarness gateway = GatewayHarness.start()) {
      ApplicationContext service =
          StreamServiceInstance.start(
              StreamServiceInstance.properties(
                  gateway, PostgresFixture.instance().createDatabase("stream_bench")));
      try (service) {
        EngineWorker client = gateway.worker("bench-client");
        client.start().get(10, TimeUnit.SECONDS);
        Calls.awaitAnswer(client, "stream::list_all");
        URI url = StreamServiceInstance.clientUrl(service);
        warmUp(client, url);
        sequential(client, url, 500);
        concurrent(client, url, 3000, 32);
        probe(client, 500);
        fanOut(client, url, 200, 200);
      }
    }
  }

  private static void warmUp(EngineWorker client, URI url) throws Exception {
    String s = unique("warm");
    try (StreamClient ws = StreamClient.connect(url)) {
      ws.join("w", s, "g", null);
      ws.next();
      for (int i = 0; i < 300; i++) {
        Calls.call(client, "stream::set", item(s, "g", "i" + (i % 10), "\"data\":" + i));
        ws.next();
      }
    }
  }

  private static void sequential(EngineWorker client, URI url, int n) throws Exception {
    String s = unique("seq");
    List<Double> call = new ArrayList<>();
    List<Double> seen = new ArrayList<>();
    try (StreamClient ws = StreamClient.connect(url)) {
      ws.join("a", s, "g", null);
      ws.next();
      for (int i = 0; i < n; i++) {
        long start = System.nanoTime();
        Calls.call(
            client, "stream::set", item(s, "g", "i" + (i % 20), "\"data\":{\"n\":" + i + "}"));
        long answered = System.nanoTime();
        ws.next();
        long received = System.nanoTime();
        call.add((answered - start) / 1e6);
        seen.add((received - start) / 1e6);
      }
    }
    System.out.printf(
        "MEASURE sequential stream::set through the gateway, %d calls: call p50 %.2f ms p90 %.2f"
            + " p99 %.2f; call start to client receipt p50 %.2f ms p90 %.2f p99 %.2f%n",
        n, p(call, 50), p(call, 90), p(call, 99), p(seen, 50), p(seen, 90), p(seen, 99));
  }

  private static void concurrent(EngineWorker client, URI url, int n, int inFlight)
      throws Exception {
    String s = unique("conc");
    try (StreamClient ws = StreamClient.connect(url)) {
      ws.join("a", s, "g", null);
      ws.next();
      Semaphore window = new Semaphore(inFlight);
      List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        window.acquire();
        CompletableFuture<JsonNode> f =
            client
                .call(
                    "stream::set",
                    SerdeTrees.sdk(JsonText.parse(item(s, "g", "i" + (i % 100), "\"data\":" + i))))
                .thenApply(SerdeTrees::serde);
        f.whenComplete((r, e) -> window.release());
        calls.add(f);
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      long written = System.nanoTime();
      for (int i = 0; i < n; i++) {
        ws.next();
      }
      long received = System.nanoTime();
      System.out.printf(
          "MEASURE %d stream::set with %d in flight: %.0f writes/s; the subscribed client had all"
              + " %d events %.0f ms after the last answer%n",
          n, inFlight, n / ((written - start) / 1e9), n, (received - written) / 1e6);
    }
  }

  private static void probe(EngineWorker client, int n) throws Exception {
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      try {
        client
            .call("stream::get(bench-none)", SerdeTrees.sdk(JsonText.parse("{}")))
            .get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof WorkerException.Remote)) {
          throw e;
        }
      }
      times.add((System.nanoTime() - start) / 1e6);
    }
    System.out.printf(
        "MEASURE a call to an unregistered stream::get(<name>) (the custom storage probe): p50 %.2f"
            + " ms p90 %.2f%n",
        p(times, 50), p(times, 90));
  }

  private static void fanOut(EngineWorker client, URI url, int clients, int writes)
      throws Exception {
    String s = unique("fan");
    List<StreamClient> all = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        StreamClient ws = StreamClient.connect(url);
        ws.join("f", s, "g", null);
        all.add(ws);
      }
      for (StreamClient ws : all) {
        ws.next();
      }
      long start = System.nanoTime();
      for (int i = 0; i < writes; i++) {
        client.call(
            "stream::set",
            SerdeTrees.sdk(JsonText.parse(item(s, "g", "i" + (i % 10), "\"data\":" + i))));
      }
      for (StreamClient ws : all) {
        for (int i = 0; i < writes; i++) {
          ws.next();
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "MEASURE fan-out: %d writes to a group watched by %d clients, %d frames delivered in"
              + " %.2f s (%.0f frames/s)%n",
          writes, clients, writes * clients, seconds, writes * clients / seconds);
    } finally {
      for (StreamClient ws : all) {
        ws.close();
      }
    }
  }

  private static double p(List<Double> values, int percentile) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }
}

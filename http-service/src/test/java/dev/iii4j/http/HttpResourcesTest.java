package dev.iii4j.http;

import static dev.iii4j.http.HttpServiceInstance.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.gateway.channel.ChannelRegistry;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.TriggerRef;
import dev.iii4j.service.SerdeHandler;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.GatewayHarness;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.json.tree.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a request costs the gateway and how many run at once: the channels of every request are
 * released when it is over (not left to the gateway's unclaimed sweep), and the per-route
 * concurrency limit holds requests back without counting the wait towards their timeout.
 */
class HttpResourcesTest {
  private static final int LIMIT = 2;
  private static GatewayHarness gateway;
  private static HttpServiceInstance service;
  private static EngineWorker client;
  private static Channels channels;
  // Handlers that take their time run here, not on the common pool, which completes the JDK
  // HTTP client's futures.
  private static final ExecutorService SLOW = Executors.newVirtualThreadPerTaskExecutor();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    // The sweep would hide a leak: give it a TTL far beyond the test.
    gateway = GatewayHarness.start(Map.of("engine.gateway.channel-unclaimed-ttl", "1h"));
    service =
        HttpServiceInstance.start(
            gateway,
            Map.of(
                "engine.http.request-timeout",
                "1500ms",
                "engine.http.concurrency-request-limit",
                LIMIT));
    client = gateway.worker("http-resources-client");
    client.start().get(10, TimeUnit.SECONDS);
    channels = new Channels(client);
  }

  @AfterAll
  static void stop() {
    channels.close();
    service.close();
    gateway.close();
    SLOW.shutdownNow();
  }

  private static String route(String method, SerdeHandler handler) {
    String path = "/res/" + UUID.randomUUID().toString().substring(0, 8);
    String fn = "test::res::" + UUID.randomUUID();
    client.registerFunction(fn, handler.sdk());
    TriggerRef trigger =
        client.registerTrigger(
            "http", fn, SerdeTrees.sdk(json("api_path", path, "http_method", method)));
    HttpTriggerTest.awaitRoute(service, trigger);
    return path;
  }

  private static CompletableFuture<HttpResponse<String>> send(String method, String path) {
    return HTTP.sendAsync(
        HttpRequest.newBuilder(service.uri(path))
            .timeout(Duration.ofSeconds(20))
            .method(method, HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
            .header("content-type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int openChannels() {
    return gateway.context().getBean(ChannelRegistry.class).size();
  }

  @Test
  void everyRequestReleasesItsChannels() throws Exception {
    String buffered =
        route("POST", SerdeHandler.sync(in -> json("status_code", 200, "body", "ok")));
    String streamed =
        route(
            "POST", channels.respondingWith(List.of("streamed".getBytes(StandardCharsets.UTF_8))));
    String readsBody =
        route(
            "POST",
            in ->
                channels
                    .readAll(in.data().get("request_body"))
                    .thenApply(
                        bytes ->
                            json(
                                "status_code",
                                200,
                                "body",
                                new String(bytes, StandardCharsets.UTF_8))));
    int before = openChannels();

    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(send("POST", buffered));
      all.add(send("POST", streamed));
      all.add(send("POST", readsBody));
    }
    for (CompletableFuture<HttpResponse<String>> f : all) {
      assertThat(f.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(all.get(1).get().body()).isEqualTo("streamed");
    assertThat(all.get(2).get().body()).isEqualTo("\"{\\\"a\\\":1}\"");

    // 30 requests created 60 channels; none may stay behind.
    await("channels released")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(openChannels()).isEqualTo(before));
  }

  @Test
  void requestsAreCountedByMethodRouteAndStatus() throws Exception {
    String ok = route("POST", SerdeHandler.sync(in -> json("status_code", 201, "body", 1)));
    for (int i = 0; i < 3; i++) {
      assertThat(send("POST", ok).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
    }
    assertThat(send("POST", "/res/no-such-route").get(10, TimeUnit.SECONDS).statusCode())
        .isEqualTo(404);
    MeterRegistry meters = service.context.getBean(MeterRegistry.class);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              Timer routed =
                  meters
                      .find("iii.http.requests")
                      .tags("method", "POST", "route", ok, "status", "201")
                      .timer();
              assertThat(routed).isNotNull();
              assertThat(routed.count()).isEqualTo(3);
              Timer unmatched =
                  meters
                      .find("iii.http.requests")
                      .tags("method", "POST", "route", "unmatched", "status", "404")
                      .timer();
              assertThat(unmatched).isNotNull();
              assertThat(unmatched.count()).isGreaterThanOrEqualTo(1);
            });
    assertThat(meters.find("iii.http.requests.in.flight").gauge()).isNotNull();
  }

  @Test
  void theConcurrencyLimitHoldsRequestsOfOneRouteBack() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    String limited =
        route(
            "GET",
            in -> {
              most.accumulateAndGet(running.incrementAndGet(), Math::max);
              return CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    return json("status_code", 200, "body", "done");
                  },
                  SLOW);
            });
    String other = route("GET", SerdeHandler.sync(in -> json("status_code", 200, "body", 1)));

    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(send("GET", limited));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == LIMIT);
    // The limit holds while the first ones run, and another route is not held up by it.
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> running.get() == LIMIT);
    assertThat(send("GET", other).get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    release.countDown();
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      // The 1.5 s timeout counted from arrival would have expired for the waiting ones.
      assertThat(call.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(most.get()).isEqualTo(LIMIT);
  }

  @Test
  void waitingForASlotDoesNotCountTowardsTheTimeout() throws Exception {
    // Each request takes 600 ms of the 1.5 s timeout; six through two slots take 1.8 s in all, so
    // the last two would time out if their wait for a slot counted.
    String slow =
        route(
            "GET",
            in ->
                CompletableFuture.supplyAsync(
                    () -> json("status_code", 200, "body", "slow"),
                    CompletableFuture.delayedExecutor(600, TimeUnit.MILLISECONDS, SLOW)));
    long start = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(send("GET", slow));
    }
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      assertThat(call.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1700));
  }

  @Test
  void aHandlerThatIgnoresTheDeadlineFreesItsSlotAt504() throws Exception {
    String stuck = route("GET", in -> new CompletableFuture<JsonNode>());
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < LIMIT + 1; i++) {
      calls.add(send("GET", stuck));
    }
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      assertThat(call.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(504);
    }
  }
}

package dev.iii4j.testing;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.awaitility.Awaitility;

/**
 * The one check every service's management server passes: bound to loopback by default, health and
 * Prometheus answer, and nothing else does (no {@code /beans}, {@code /threaddump}, {@code
 * /routes}, {@code /env}, {@code /loggers}, {@code /info}, {@code /metrics}, {@code POST /refresh}
 * or {@code /stop}), since the endpoints have no authentication.
 */
public final class ManagementEndpoints {
  /** Endpoints a management server must not expose unless an operator enables them. */
  public static final List<String> CLOSED =
      List.of(
          "/beans", "/threaddump", "/routes", "/env", "/loggers", "/info", "/metrics", "/caches");

  private ManagementEndpoints() {}

  /**
   * What is wrong with a started management server's defaults; tests assert the list is empty.
   *
   * @param server the service's started {@link EmbeddedServer}
   * @return one line per deviation, empty when the server is locked down
   */
  public static List<String> deviations(EmbeddedServer server)
      throws IOException, InterruptedException {
    List<String> found = new ArrayList<>();
    if (!List.of("127.0.0.1", "localhost").contains(server.getHost())) {
      found.add("bound to " + server.getHost() + ", not loopback");
    }
    URI base = URI.create("http://127.0.0.1:" + server.getPort());
    try (HttpClient http = HttpClient.newHttpClient()) {
      expect(found, http, HttpRequest.newBuilder(base.resolve("/health")).build(), 200, 503);
      expect(found, http, HttpRequest.newBuilder(base.resolve("/prometheus")).build(), 200);
      for (String path : CLOSED) {
        expect(found, http, HttpRequest.newBuilder(base.resolve(path)).build(), 404);
      }
      for (String path : List.of("/refresh", "/stop")) {
        HttpRequest post =
            HttpRequest.newBuilder(base.resolve(path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        expect(found, http, post, 404);
      }
    }
    return found;
  }

  /** {@code GET path} of a started management server, the body as text. */
  public static HttpResponse<String> get(EmbeddedServer server, String path)
      throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(server.getURI().resolve(path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  /**
   * Waits (up to 15 s) until {@code /health/readiness} answers {@code status} and returns that
   * answer (its body names the indicators).
   */
  public static HttpResponse<String> awaitReadiness(EmbeddedServer server, int status) {
    AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
    Awaitility.await("readiness " + status)
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              last.set(get(server, "/health/readiness"));
              return last.get().statusCode() == status;
            });
    return last.get();
  }

  /** What a test checks while the service is ready. */
  @FunctionalInterface
  public interface WhileReady {
    /**
     * Checks the ready service.
     *
     * @param service the service's context
     * @param server its started management server
     * @param readiness the body of its {@code /health/readiness} answer (it names the indicators)
     */
    void check(ApplicationContext service, EmbeddedServer server, String readiness)
        throws Exception;
  }

  /**
   * The readiness of a service that needs the gateway: starts a gateway and {@code service} against
   * it, starts the service's management server, waits until it is ready (200), checks that it has
   * no {@link #deviations}, runs {@code whileReady}, then closes the gateway and waits until the
   * service is not ready (503). Closes both at the end.
   *
   * @throws AssertionError when the management server has deviations
   */
  public static void readinessFollowsTheGateway(
      Function<GatewayHarness, ApplicationContext> service, WhileReady whileReady)
      throws Exception {
    try (GatewayHarness gateway = GatewayHarness.start();
        ApplicationContext context = service.apply(gateway)) {
      EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
      String readiness = awaitReadiness(server, 200).body();
      List<String> deviations = deviations(server);
      if (!deviations.isEmpty()) {
        throw new AssertionError("management server deviations: " + deviations);
      }
      whileReady.check(context, server, readiness);
      gateway.close();
      awaitReadiness(server, 503);
    }
  }

  private static void expect(List<String> found, HttpClient http, HttpRequest request, int... ok)
      throws IOException, InterruptedException {
    int status = status(http, request);
    if (Arrays.stream(ok).noneMatch(code -> code == status)) {
      found.add(request.method() + " " + request.uri().getPath() + " answered " + status);
    }
  }

  private static int status(HttpClient http, HttpRequest request)
      throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}

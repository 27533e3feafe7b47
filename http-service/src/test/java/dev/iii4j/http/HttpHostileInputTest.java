package dev.iii4j.http;

import static dev.iii4j.http.HttpServiceInstance.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.TriggerRef;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.GatewayHarness;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public API against clients that do not play by the rules, written as raw bytes on a socket:
 * unsupported versions, ambiguous message lengths, slow headers and idle connections.
 */
class HttpHostileInputTest {
  private static final int HEADER_TIMEOUT_MS = 500;
  private static final int IDLE_TIMEOUT_MS = 1000;
  private static GatewayHarness gateway;
  private static HttpServiceInstance service;
  private static EngineWorker client;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayHarness.start();
    service =
        HttpServiceInstance.start(
            gateway,
            Map.of(
                "engine.http.header-read-timeout", HEADER_TIMEOUT_MS + "ms",
                "engine.http.idle-timeout", IDLE_TIMEOUT_MS + "ms"));
    client = gateway.worker("http-hostile-client");
    client.start().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    service.close();
    gateway.close();
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", service.base.getPort());
    // A server that never closes fails the test instead of hanging it.
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void write(Socket socket, String raw) throws IOException {
    socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** Everything the server sends until it closes the connection. */
  private static String readUntilClosed(Socket socket) throws IOException {
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void aClientThatKeepsSendingAfterA413IsDrainedThenClosed() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /big HTTP/1.1\r\nHost: x\r\n"
                  + "Content-Type: application/octet-stream\r\nContent-Length: 100000000\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      // The answer, then the end of the stream: the service shut its sending side only.
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close");
      // The client goes on sending the body it announced: the service drains it for a while
      // (so a client still sending can read the answer), then closes, so a client that never
      // stops does not hold the connection: writes start failing.
      byte[] chunk = new byte[16 * 1024];
      long start = System.nanoTime();
      // Five seconds of draining, though the header-read and idle timeouts here are shorter: a
      // rejected connection is the lingering close's alone.
      long deadline = start + TimeUnit.SECONDS.toNanos(8);
      IOException failed = null;
      while (failed == null && System.nanoTime() < deadline) {
        try {
          out.write(chunk);
          out.flush();
          TimeUnit.MILLISECONDS.sleep(20);
        } catch (IOException e) {
          failed = e;
        }
      }
      assertThat(failed).as("closed while the client was still sending").isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("drained for a while first, not reset at once")
          .isGreaterThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void unsupportedHttpVersionGets505AndTheConnectionCloses() throws Exception {
    try (Socket socket = connect()) {
      write(socket, "GET / HTTP/9.9\r\nHost: x\r\n\r\n");
      String answer = readUntilClosed(socket);
      assertThat(answer).startsWith("HTTP/1.1 505 ").contains("HTTP_VERSION_NOT_SUPPORTED");
      assertThat(answer).containsIgnoringCase("connection: close");
    }
  }

  @Test
  void contentLengthWithTransferEncodingGets400AndTheConnectionCloses() throws Exception {
    try (Socket socket = connect()) {
      write(
          socket,
          "POST /anything HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
      String answer = readUntilClosed(socket);
      assertThat(answer)
          .startsWith("HTTP/1.1 400 ")
          .contains("Content-Length and Transfer-Encoding");
      // Only one answer: the smuggled request after the ambiguous one is never served.
      assertThat(answer.split("HTTP/1.1 ", -1)).hasSize(2);
    }
  }

  @Test
  void slowHeadersGet408AndTheConnectionCloses() throws Exception {
    try (Socket socket = connect()) {
      long started = System.nanoTime();
      write(socket, "GET / HTTP/1.1\r\nHost: x\r\n");
      String answer = readUntilClosed(socket);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(answer).startsWith("HTTP/1.1 408 ").contains("REQUEST_TIMEOUT");
      assertThat(elapsedMs).isBetween((long) HEADER_TIMEOUT_MS - 50, 5_000L);
    }
  }

  @Test
  void anIdleConnectionIsClosed() throws Exception {
    try (Socket socket = connect()) {
      long started = System.nanoTime();
      InputStream in = socket.getInputStream();
      assertThat(in.read()).isEqualTo(-1);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(elapsedMs).isBetween((long) IDLE_TIMEOUT_MS - 50, 5_000L);
    }
  }

  @Test
  void aRequestInFlightLongerThanTheIdleTimeoutIsAnsweredAndTheConnectionKeptAlive()
      throws Exception {
    String path = "/slow/" + UUID.randomUUID();
    String fn = "test::http::slow-" + UUID.randomUUID();
    client.registerFunction(
        fn,
        invocation ->
            (CompletableFuture.supplyAsync(
                    () -> json("status_code", 200, "body", "done"),
                    CompletableFuture.delayedExecutor(IDLE_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS)))
                .thenApply(SerdeTrees::sdk));
    TriggerRef trigger =
        client.registerTrigger(
            "http", fn, SerdeTrees.sdk(json("api_path", path, "http_method", "GET")));
    HttpTriggerTest.awaitRoute(service, trigger);
    try (Socket socket = connect()) {
      write(socket, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      byte[] head = new byte[12];
      int read = socket.getInputStream().readNBytes(head, 0, head.length);
      assertThat(new String(head, 0, read, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
      // Still open for a next request, then closed as idle.
      write(socket, "GET /missing-" + UUID.randomUUID() + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readUntilClosed(socket)).contains("HTTP/1.1 404 ");
    }
  }
}

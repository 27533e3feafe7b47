package dev.iii4j.gateway;

import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.Message;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP-invoked functions against a real local HTTP server. */
class HttpFunctionTest {
  static ApplicationContext open;
  static ApplicationContext strict;
  static int port;
  static int strictPort;
  static HttpServer server;
  static String base;
  static final LinkedBlockingQueue<Received> requests = new LinkedBlockingQueue<>();
  static final Map<String, Reply> replies = new ConcurrentHashMap<>();
  static final CountDownLatch release = new CountDownLatch(1);

  record Received(String path, String method, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  record Reply(int status, String contentType, String body) {}

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", HttpFunctionTest::handle);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    open =
        TestGateway.run(
            Map.ofEntries(
                Map.entry("engine.gateway.http-functions.url-allowlist", List.of("127.0.0.1")),
                Map.entry("engine.gateway.http-functions.require-https", false),
                Map.entry("engine.gateway.http-functions.block-private-ips", false),
                Map.entry("engine.gateway.http-functions.variables.HOOK_SECRET", "s3cr3t"),
                Map.entry("engine.gateway.http-functions.variables.HOOK_TOKEN", "tok-123"),
                Map.entry("engine.gateway.http-functions.variables.HOOK_KEY", "key-456")));
    port = TestGateway.port(open);
    strict =
        TestGateway.run(
            Map.of(
                "engine.gateway.http-functions.url-allowlist",
                List.of("*.example.com", "127.0.0.1", "localhost")));
    strictPort = TestGateway.port(strict);
  }

  @AfterAll
  static void stop() {
    release.countDown();
    open.close();
    strict.close();
    server.stop(0);
  }

  private static void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = exchange.getRequestURI().getPath();
    requests.add(
        new Received(
            path, exchange.getRequestMethod(), Map.copyOf(exchange.getRequestHeaders()), body));
    if (path.startsWith("/hang")) {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Reply reply = replies.getOrDefault(path, new Reply(200, "application/json", "{\"ok\":true}"));
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    if (reply.contentType() != null) {
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
    }
    exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  private static JsonNode json(String text) {
    return RawWorker.CODEC.parseTree(text);
  }

  private static String path(String prefix) {
    return "/" + prefix + "-" + UUID.randomUUID();
  }

  private static Message.RegisterFunction httpFunction(String id, String invocation) {
    return new Message.RegisterFunction(id, null, null, null, null, json(invocation));
  }

  private static Message.InvocationResult call(RawWorker caller, String fn, String data) {
    String id = UUID.randomUUID().toString();
    caller.send(new Message.InvokeFunction(id, fn, json(data)));
    return caller.next(Message.InvocationResult.class, r -> r.invocationId().equals(id));
  }

  private static Received nextRequest(String path) throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      Received r = requests.poll(5, TimeUnit.SECONDS);
      if (r == null) {
        break;
      }
      if (r.path().equals(path)) {
        return r;
      }
    }
    throw new AssertionError("no request to " + path);
  }

  @Test
  void sendsThePayloadWithTheIiiHeadersAndEachAuthTypeVerifies() throws Exception {
    try (RawWorker owner = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      String hmacPath = path("hmac");
      String bearerPath = path("bearer");
      String keyPath = path("key");
      owner.send(
          httpFunction(
              "hooks::hmac",
              "{\"url\":\""
                  + base
                  + hmacPath
                  + "\",\"method\":\"PUT\",\"headers\":{\"X-Custom\":\"v\"},"
                  + "\"auth\":{\"type\":\"hmac\",\"secret_key\":\"HOOK_SECRET\"}}"));
      owner.send(
          httpFunction(
              "hooks::bearer",
              "{\"url\":\""
                  + base
                  + bearerPath
                  + "\",\"auth\":{\"type\":\"bearer\",\"token_key\":\"HOOK_TOKEN\"}}"));
      owner.send(
          httpFunction(
              "hooks::key",
              "{\"url\":\""
                  + base
                  + keyPath
                  + "\",\"auth\":{\"type\":\"api_key\",\"header\":\"X-Api-Key\",\"value_key\":\"HOOK_KEY\"}}"));
      owner.sync();

      var result = call(caller, "hooks::hmac", "{\"order\":42}");
      assertThat(result.error()).isNull();
      assertThatJson(RawWorker.CODEC.writeJson(result.result())).isEqualTo("{\"ok\":true}");
      Received hmac = nextRequest(hmacPath);
      assertThat(hmac.method()).isEqualTo("PUT");
      assertThatJson(hmac.body())
          .isEqualTo("{\"order\":42,\"_caller_worker_id\":\"" + caller.workerId + "\"}");
      assertThat(hmac.header("Content-Type")).isEqualTo("application/json");
      assertThat(hmac.header("x-iii-Function-Path")).isEqualTo("hooks::hmac");
      assertThat(UUID.fromString(hmac.header("x-iii-Invocation-ID"))).isNotNull();
      assertThat(hmac.header("X-Custom")).isEqualTo("v");
      String timestamp = hmac.header("x-iii-Timestamp");
      assertThat(Long.parseLong(timestamp))
          .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec("s3cr3t".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String expected =
          "sha256="
              + HexFormat.of()
                  .formatHex(
                      mac.doFinal(
                          (timestamp
                                  + ":"
                                  + Base64.getEncoder()
                                      .encodeToString(hmac.body().getBytes(StandardCharsets.UTF_8)))
                              .getBytes(StandardCharsets.UTF_8)));
      assertThat(hmac.header("x-iii-Signature")).isEqualTo(expected);

      assertThat(call(caller, "hooks::bearer", "{}").error()).isNull();
      Received bearer = nextRequest(bearerPath);
      assertThat(bearer.method()).isEqualTo("POST");
      assertThat(bearer.header("Authorization")).isEqualTo("Bearer tok-123");

      assertThat(call(caller, "hooks::key", "{}").error()).isNull();
      assertThat(nextRequest(keyPath).header("X-Api-Key")).isEqualTo("key-456");
    }
  }

  @Test
  void mapsResponsesByTheSpecsTable() {
    try (RawWorker owner = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      Map<String, Reply> cases =
          Map.of(
              "empty", new Reply(204, null, ""),
              "json", new Reply(201, "application/json", "{\"made\":1}"),
              "text", new Reply(200, "text/plain", "not json"),
              "redirect", new Reply(302, "application/json", "{\"moved\":true}"),
              "coded",
                  new Reply(
                      409,
                      "application/json",
                      "{\"error\":{\"code\":\"conflict\",\"message\":\"already there\"}}"),
              "plain", new Reply(502, "text/plain", "upstream down"));
      String suffix = UUID.randomUUID().toString();
      cases.forEach(
          (name, reply) -> {
            replies.put("/" + name + suffix, reply);
            owner.send(
                httpFunction(
                    "outcome::" + name, "{\"url\":\"" + base + "/" + name + suffix + "\"}"));
          });
      owner.send(
          httpFunction(
              "outcome::hang", "{\"url\":\"" + base + "/hang" + suffix + "\",\"timeout_ms\":300}"));
      owner.send(
          httpFunction("outcome::refused", "{\"url\":\"http://127.0.0.1:" + closedPort() + "/\"}"));
      owner.sync();
      var empty = call(caller, "outcome::empty", "{}");
      assertThat(empty.error()).isNull();
      assertThat(empty.result()).isNull();
      assertThatJson(RawWorker.CODEC.writeJson(call(caller, "outcome::json", "{}").result()))
          .isEqualTo("{\"made\":1}");
      assertThat(call(caller, "outcome::text", "{}").error().code()).isEqualTo("invalid_response");
      var redirect = call(caller, "outcome::redirect", "{}");
      assertThat(redirect.error()).isNull();
      assertThatJson(RawWorker.CODEC.writeJson(redirect.result())).isEqualTo("{\"moved\":true}");
      assertThat(call(caller, "outcome::coded", "{}").error())
          .isEqualTo(new ErrorBody("conflict", "already there"));
      assertThat(call(caller, "outcome::plain", "{}").error())
          .isEqualTo(new ErrorBody("http_error", "HTTP 502 Bad Gateway"));
      var timedOut = call(caller, "outcome::hang", "{}");
      assertThat(timedOut.error().code()).isEqualTo("http_request_failed");
      assertThat(timedOut.error().message()).contains("timed out");
      assertThat(call(caller, "outcome::refused", "{}").error().code())
          .isEqualTo("http_request_failed");
    }
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void unsafeOrInvalidRegistrationsAreRefusedWithAReason() {
    try (RawWorker owner = RawWorker.connect(strictPort);
        RawWorker caller = RawWorker.connect(strictPort)) {
      Map<String, String> refused =
          Map.of(
              "{\"url\":\"http://api.example.com/x\"}", "url_validation_failed:HTTPS is required",
              "{\"url\":\"https://evil.test/x\"}", "url_validation_failed:URL not in allowlist",
              "{\"url\":\"https://127.0.0.1/x\"}", "url_validation_failed:Private IP blocked",
              "{\"url\":\"https://localhost/x\"}", "url_validation_failed:Private IP blocked",
              "{\"url\":\"ftp://api.example.com/x\"}", "url_validation_failed:Invalid URL",
              "{\"url\":\"https://api.example.com/x\",\"method\":\"post\"}",
                  "invalid_http_invocation:invocation.method",
              "{\"url\":\"https://api.example.com/x\",\"method\":\"TRACE\"}",
                  "invalid_http_invocation:invocation.method");
      for (Map.Entry<String, String> c : refused.entrySet()) {
        String id = "unsafe::" + UUID.randomUUID();
        owner.send(httpFunction(id, c.getKey()));
        var error = owner.next(Message.ErrorFrame.class).error();
        String[] expected = c.getValue().split(":", 2);
        assertThat(error.code()).as(c.getKey()).isEqualTo(expected[0]);
        assertThat(error.message()).as(c.getKey()).contains(id).contains(expected[1]);
        assertThat(call(caller, id, "{}").error().code()).isEqualTo("function_not_found");
      }
    }
  }

  @Test
  void aMissingAuthVariableIsRefusedAtRegistration() {
    try (RawWorker owner = RawWorker.connect(port)) {
      owner.send(
          httpFunction(
              "hooks::unset",
              "{\"url\":\""
                  + base
                  + "/x\",\"auth\":{\"type\":\"bearer\",\"token_key\":\"NO_SUCH_VARIABLE_X\"}}"));
      var error = owner.next(Message.ErrorFrame.class).error();
      assertThat(error.code()).isEqualTo("invalid_http_invocation");
      assertThat(error.message()).contains("hooks::unset").contains("NO_SUCH_VARIABLE_X");
    }
  }

  @Test
  void unregisterAndOwnerDisconnectRemoveTheFunction() {
    try (RawWorker caller = RawWorker.connect(port)) {
      RawWorker owner = RawWorker.connect(port);
      owner.send(httpFunction("gone::a", "{\"url\":\"" + base + path("a") + "\"}"));
      owner.send(httpFunction("gone::b", "{\"url\":\"" + base + path("b") + "\"}"));
      owner.sync();
      assertThat(call(caller, "gone::a", "{}").error()).isNull();
      owner.send(new Message.UnregisterFunction("gone::a"));
      owner.sync();
      assertThat(call(caller, "gone::a", "{}").error().code()).isEqualTo("function_not_found");
      assertThat(call(caller, "gone::b", "{}").error()).isNull();
      owner.close();
      // The owner's cleanup runs asynchronously after its socket closes.
      org.awaitility.Awaitility.await()
          .atMost(5, TimeUnit.SECONDS)
          .until(
              () -> {
                ErrorBody error = call(caller, "gone::b", "{}").error();
                return error != null && error.code().equals("function_not_found");
              });
    }
  }

  @Test
  void anHttpFunctionBoundToATriggerRunsWhenItFires() throws Exception {
    try (RawWorker owner = RawWorker.connect(port);
        RawWorker publisher = RawWorker.connect(port)) {
      String hookPath = path("subscriber");
      String topic = "topic-" + UUID.randomUUID();
      owner.send(httpFunction("hooks::subscriber", "{\"url\":\"" + base + hookPath + "\"}"));
      owner.send(
          new Message.RegisterTrigger(
              UUID.randomUUID().toString(),
              "subscribe",
              "hooks::subscriber",
              json("{\"topic\":\"" + topic + "\"}"),
              null));
      owner.sync();
      assertThat(
              call(publisher, "publish", "{\"topic\":\"" + topic + "\",\"data\":{\"n\":7}}")
                  .error())
          .isNull();
      assertThatJson(nextRequest(hookPath).body()).isEqualTo("{\"n\":7}");
    }
  }
}

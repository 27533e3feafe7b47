package dev.iii4j.http;

import static dev.iii4j.http.HttpServiceInstance.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.TriggerRef;
import dev.iii4j.service.SerdeHandler;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.GatewayHarness;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code http} trigger end to end: real HTTP requests to a real http-service connected to a
 * real gateway, handled by functions of a Java SDK worker.
 */
class HttpTriggerTest {
  private static GatewayHarness gateway;
  private static HttpServiceInstance service;
  private static EngineWorker client;
  private static Channels channels;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = ObjectMapper.getDefault();

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayHarness.start();
    service =
        HttpServiceInstance.start(
            gateway,
            Map.of(
                "engine.http.request-timeout",
                "3s",
                "engine.http.max-body-bytes",
                1_048_576,
                "engine.http.cors.allowed-origins",
                List.of("https://app.example")));
    client = gateway.worker("http-test-client");
    client.start().get(10, TimeUnit.SECONDS);
    channels = new Channels(client);
  }

  @AfterAll
  static void stop() {
    channels.close();
    service.close();
    gateway.close();
  }

  // ---- helpers ----

  private static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** Registers a function and an http trigger for it, and waits until the route is served. */
  private static TriggerRef route(String method, String apiPath, SerdeHandler handler) {
    return route(json("api_path", apiPath, "http_method", method), handler);
  }

  private static TriggerRef route(JsonNode config, SerdeHandler handler) {
    String fn = "test::http::" + unique();
    client.registerFunction(fn, handler.sdk());
    TriggerRef trigger =
        client.registerTrigger(
            "http", fn, SerdeTrees.sdk(config), SerdeTrees.sdk(json("origin", "test")));
    awaitRoute(service, trigger);
    return trigger;
  }

  /** A route {@code <path>/:who} answering {@code {"hello": <its path params>}}. */
  record HelloRoute(String path, TriggerRef trigger) {}

  /**
   * Registers {@code test::<name>::hello} on {@code client} with an http trigger on {@code
   * /<name>/<random>/:who}, and waits until {@code instance} serves it.
   */
  static HelloRoute helloRoute(EngineWorker client, HttpServiceInstance instance, String name) {
    String path = "/" + name + "/" + UUID.randomUUID();
    String fn = "test::" + name + "::hello";
    client.registerFunction(
        fn, SerdeHandler.sync(in -> json("body", json("hello", in.get("path_params")))).sdk());
    TriggerRef trigger =
        client.registerTrigger("http", fn, SerdeTrees.sdk(json("api_path", path + "/:who")));
    awaitRoute(instance, trigger);
    return new HelloRoute(path, trigger);
  }

  static void awaitRoute(HttpServiceInstance instance, TriggerRef trigger) {
    RouteTable table = instance.context.getBean(RouteTable.class);
    await("route of trigger " + trigger.id())
        .atMost(Duration.ofSeconds(10))
        .until(() -> table.route(trigger.id()).isPresent());
  }

  static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(service.uri(path)).timeout(Duration.ofSeconds(15));
  }

  static JsonNode parse(byte[] body) throws IOException {
    return JSON.readValue(body, JsonNode.class);
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /** A handler answering {@code {status_code: 200, body: <its input without channels>}}. */
  private static SerdeHandler echo(AtomicReference<JsonNode> seen) {
    return invocation -> {
      seen.set(invocation.data());
      Map<String, JsonNode> copy = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : invocation.data().entries()) {
        copy.put(e.getKey(), e.getValue());
      }
      copy.put("metadata", invocation.metadata());
      return CompletableFuture.completedFuture(
          json("status_code", 200, "body", JsonNode.createObjectNode(copy)));
    };
  }

  // ---- request payload ----

  @Test
  void deliversEveryRequestField() throws Exception {
    String base = "fields/" + unique();
    AtomicReference<JsonNode> seen = new AtomicReference<>();
    route("POST", base + "/items/:id", echo(seen));

    HttpResponse<byte[]> response =
        send(
            get("/" + base + "/items/a%20b?q=one&q=two+words&x=%2F&flag")
                .header("Content-Type", "application/json")
                .header("X-Custom", "Value")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"n\",\"n\":1}")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = parse(response.body());
    assertThat(body.get("query_params")).isEqualTo(json("q", "two words", "x", "/", "flag", ""));
    assertThat(body.get("path_params")).isEqualTo(json("id", "a%20b"));
    assertThat(body.get("headers").get("content-type").getStringValue())
        .isEqualTo("application/json");
    assertThat(body.get("headers").get("x-custom").getStringValue()).isEqualTo("Value");
    assertThat(body.get("path").getStringValue()).isEqualTo(base + "/items/:id");
    assertThat(body.get("method").getStringValue()).isEqualTo("POST");
    assertThat(body.get("body")).isEqualTo(json("name", "n", "n", 1));
    assertThat(body.get("trigger"))
        .isEqualTo(json("type", "http", "path", base + "/items/:id", "method", "POST"));
    assertThat(body.get("request_body").get("direction").getStringValue()).isEqualTo("read");
    assertThat(body.get("response").get("direction").getStringValue()).isEqualTo("write");
    assertThat(body.get("metadata")).isEqualTo(json("origin", "test"));
  }

  @Test
  void aDeeplyNestedBodyIsAnsweredWhole() throws Exception {
    // Serde's tree writer fails past 65 levels; bodies are written with the project's JsonWriter.
    String path = "/deep/" + unique();
    int depth = 100;
    JsonNode deep = JsonNode.createNumberNode(1);
    for (int i = 0; i < depth; i++) {
      deep = json("a", deep);
    }
    JsonNode body = deep;
    route(
        "GET",
        path,
        invocation -> CompletableFuture.completedFuture(json("status_code", 200, "body", body)));

    HttpResponse<byte[]> response = send(get(path));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(text(response)).isEqualTo("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
  }

  @Test
  void theCallersTraceContinuesIntoTheHandler() throws Exception {
    String path = "/traced/" + unique();
    AtomicReference<String> traceparent = new AtomicReference<>();
    route(
        "GET",
        path,
        invocation -> {
          traceparent.set(invocation.traceparent());
          return java.util.concurrent.CompletableFuture.completedFuture(json("ok", true));
        });
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    HttpResponse<byte[]> response =
        send(get(path).header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01"));
    assertThat(response.statusCode()).isEqualTo(200);
    // The gateway's span of the call is the handler's parent; the trace is the caller's.
    assertThat(traceparent.get()).startsWith("00-" + trace + "-").endsWith("-01");
  }

  @Test
  void headerValuesOutsideVisibleAsciiBecomeEmpty() throws Exception {
    String path = "/accent/" + unique();
    AtomicReference<JsonNode> seen = new AtomicReference<>();
    route("GET", path, echo(seen));
    // The JDK client would replace the byte, so the request is written by hand.
    try (Socket socket = new Socket("127.0.0.1", service.base.getPort())) {
      socket
          .getOutputStream()
          .write(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: x\r\nX-Accent: caf\u00e9\r\nX-Plain: a b\r\n"
                      + "Connection: close\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 200");
    }
    JsonNode headers = seen.get().get("headers");
    assertThat(headers.get("x-accent").getStringValue()).isEmpty();
    assertThat(headers.get("x-plain").getStringValue()).isEqualTo("a b");
  }

  @Test
  void jsonBodyIsAlsoWrittenRawToTheRequestChannel() throws Exception {
    String path = "/raw/" + unique();
    String raw = "{\"z\":2, \"a\":1}";
    route(
        "POST",
        path,
        invocation ->
            channels
                .readAll(invocation.data().get("request_body"))
                .thenApply(
                    bytes ->
                        json(
                            "body",
                            json(
                                "parsed",
                                invocation.data().get("body"),
                                "raw",
                                new String(bytes, StandardCharsets.UTF_8)))));

    HttpResponse<byte[]> response =
        send(
            get(path)
                .header("content-type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(raw)));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = parse(response.body());
    assertThat(body.get("parsed")).isEqualTo(json("z", 2, "a", 1));
    assertThat(body.get("raw").getStringValue()).isEqualTo(raw);
  }

  @Test
  void nonJsonBodiesArriveOnlyThroughTheRequestChannel() throws Exception {
    String path = "/upload/" + unique();
    byte[] upload = new byte[200_000];
    for (int i = 0; i < upload.length; i++) {
      upload[i] = (byte) (i * 31);
    }
    AtomicReference<byte[]> received = new AtomicReference<>();
    AtomicReference<JsonNode> parsedBody = new AtomicReference<>();
    route(
        "PUT",
        path,
        invocation -> {
          parsedBody.set(invocation.data().get("body"));
          return channels
              .readAll(invocation.data().get("request_body"))
              .thenApply(
                  bytes -> {
                    received.set(bytes);
                    return json("status_code", 201, "body", json("size", bytes.length));
                  });
        });

    HttpResponse<byte[]> response =
        send(
            get(path)
                .header("content-type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(upload)));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(parse(response.body())).isEqualTo(json("size", upload.length));
    assertThat(received.get()).isEqualTo(upload);
    assertThat(parsedBody.get().isNull()).isTrue();

    // An empty body still ends the channel, so a reader sees zero bytes.
    HttpResponse<byte[]> empty =
        send(
            get(path)
                .header("content-type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.noBody()));
    assertThat(parse(empty.body())).isEqualTo(json("size", 0));
  }

  @Test
  void invalidJsonBodyIsDeliveredAsNull() throws Exception {
    String path = "/badjson/" + unique();
    AtomicReference<JsonNode> seen = new AtomicReference<>();
    route("POST", path, echo(seen));
    HttpResponse<byte[]> response =
        send(
            get(path)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(seen.get().get("body").isNull()).isTrue();
  }

  // ---- routing ----

  @Test
  void pathParametersInBothSpellingsAndLiteralSegmentsWin() throws Exception {
    String base = "users-" + unique();
    route(
        "GET",
        "/" + base + "/{id}",
        invocation -> body(json("param", invocation.data().get("path_params"))));
    route("GET", base + "/me", invocation -> body(json("literal", true)));
    route(
        "GET",
        "/" + base + "/:id/posts/:post",
        invocation -> body(invocation.data().get("path_params")));

    assertThat(parse(send(get("/" + base + "/42")).body()))
        .isEqualTo(json("param", json("id", "42")));
    assertThat(parse(send(get("/" + base + "/me")).body())).isEqualTo(json("literal", true));
    assertThat(parse(send(get("/" + base + "/7/posts/9")).body()))
        .isEqualTo(json("id", "7", "post", "9"));
    assertThat(send(get("/" + base + "/42/")).statusCode())
        .as("a trailing slash is significant")
        .isEqualTo(404);
  }

  @Test
  void routesAreAddedAndRemovedAtRuntime() throws Exception {
    String path = "/runtime/" + unique();
    assertThat(send(get(path)).statusCode()).isEqualTo(404);
    TriggerRef trigger = route("GET", path, invocation -> body(json("ok", true)));
    assertThat(send(get(path)).statusCode()).isEqualTo(200);

    trigger.unregister();
    await().atMost(Duration.ofSeconds(10)).until(() -> send(get(path)).statusCode() == 404);
  }

  @Test
  void conflictingRouteIsRejectedToTheRegisteringWorker() throws Exception {
    String base = "conflict/" + unique();
    route("GET", base + "/:listId/:userId", invocation -> body(json("first", true)));

    try (RawWorker raw = new RawWorker(gateway.url())) {
      String fn = "test::raw::" + unique();
      raw.send("{\"type\":\"registerfunction\",\"id\":\"" + fn + "\"}");
      raw.send(
          "{\"type\":\"registertrigger\",\"id\":\"t-"
              + unique()
              + "\",\"trigger_type\":\"http\",\"function_id\":\""
              + fn
              + "\",\"config\":{\"api_path\":\""
              + base
              + "/:userId/:listId\",\"http_method\":\"get\"}}");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> raw.received.stream().anyMatch(f -> f.contains("triggerregistrationresult")));
      JsonNode result =
          parse(
              raw.received.stream()
                  .filter(f -> f.contains("triggerregistrationresult"))
                  .findFirst()
                  .orElseThrow()
                  .getBytes(StandardCharsets.UTF_8));
      assertThat(result.get("error").get("code").getStringValue())
          .isEqualTo("trigger_registration_failed");
      assertThat(result.get("error").get("message").getStringValue())
          .isEqualTo(
              "Route 'GET "
                  + base
                  + "/:userId/:listId' conflicts with already-registered route 'GET "
                  + base
                  + "/:listId/:userId': routes with identical structure but different"
                  + " path-parameter names are not supported");
    }
    assertThat(parse(send(get("/" + base + "/a/b")).body())).isEqualTo(json("first", true));
  }

  @Test
  void missingApiPathIsRejected() throws Exception {
    try (RawWorker raw = new RawWorker(gateway.url())) {
      raw.send(
          "{\"type\":\"registertrigger\",\"id\":\"t-"
              + unique()
              + "\",\"trigger_type\":\"http\",\"function_id\":\"f\",\"config\":{}}");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  raw.received.stream()
                      .anyMatch(f -> f.contains("api_path is required for http triggers")));
    }
  }

  // ---- response mapping ----

  @Test
  void mapsStatusHeadersAndBodies() throws Exception {
    String base = "/map/" + unique();
    route(
        "POST",
        base + "/xml",
        invocation ->
            result(
                json(
                    "status_code",
                    201,
                    "headers",
                    json("Content-Type", "text/xml", "X-Num", 5),
                    "body",
                    "<a>hi</a>")));
    route(
        "GET",
        base + "/list",
        invocation ->
            result(
                json(
                    "status_code",
                    202,
                    "headers",
                    List.of("Set-Cookie: a=1", "Set-Cookie:  b=2 ", "broken", 7, ": empty"),
                    "body",
                    List.of(1, 2))));
    route("GET", base + "/string", invocation -> result(json("body", "plain")));
    route(
        "GET",
        base + "/null",
        invocation -> result(json("headers", json("content-type", "text/plain"), "body", null)));
    route("GET", base + "/absent", invocation -> result(json("status_code", "201")));
    route("GET", base + "/bare", invocation -> result(JsonNode.createStringNode("bare")));
    route(
        "GET",
        base + "/own-error",
        invocation -> result(json("status_code", 404, "body", json("error", "Not found"))));

    HttpResponse<byte[]> xml = send(get(base + "/xml").POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(xml.statusCode()).isEqualTo(201);
    assertThat(xml.headers().firstValue("content-type")).hasValue("text/xml");
    assertThat(xml.headers().firstValue("x-num")).isEmpty();
    assertThat(text(xml)).isEqualTo("<a>hi</a>");

    HttpResponse<byte[]> list = send(get(base + "/list"));
    assertThat(list.statusCode()).isEqualTo(202);
    assertThat(list.headers().allValues("set-cookie")).containsExactly("a=1", "b=2");
    assertThat(list.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(text(list)).isEqualTo("[1,2]");

    assertThat(text(send(get(base + "/string")))).isEqualTo("\"plain\"");
    HttpResponse<byte[]> nothing = send(get(base + "/null"));
    assertThat(nothing.body()).isEmpty();
    assertThat(nothing.headers().firstValue("content-type")).hasValue("text/plain");
    HttpResponse<byte[]> absent = send(get(base + "/absent"));
    assertThat(absent.statusCode()).as("a string status_code is ignored").isEqualTo(200);
    assertThat(text(absent)).isEqualTo("{}");
    assertThat(text(send(get(base + "/bare")))).isEqualTo("{}");
    HttpResponse<byte[]> own = send(get(base + "/own-error"));
    assertThat(own.statusCode()).isEqualTo(404);
    assertThat(parse(own.body())).isEqualTo(json("error", "Not found"));
  }

  @Test
  void streamsTheResponseWrittenToTheResponseChannel() throws Exception {
    String path = "/stream/" + unique();
    route(
        "GET",
        path,
        channels.respondingWith(
            List.of(
                "{\"type\":\"set_status\",\"status_code\":206}",
                "{\"type\":\"set_headers\",\"headers\":{\"content-type\":\"text/event-stream\",\"x-a\":\"1\"}}",
                "{\"type\":\"set_headers\",\"headers\":{\"x-a\":\"2\"}}",
                "data: one\n\n".getBytes(StandardCharsets.UTF_8),
                "data: two\n\n".getBytes(StandardCharsets.UTF_8))));

    HttpResponse<byte[]> response = send(get(path));
    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(response.headers().allValues("x-a")).containsExactly("2");
    assertThat(text(response)).isEqualTo("data: one\n\ndata: two\n\n");
  }

  @Test
  void aResponseChannelClosedWithoutDataSendsTheControlStatus() throws Exception {
    String path = "/stream-empty/" + unique();
    route(
        "DELETE",
        path,
        channels.respondingWith(List.of("{\"type\":\"set_status\",\"status_code\":204}")));
    HttpResponse<byte[]> response = send(get(path).DELETE());
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void aHandlerThatAnswersWithNoValueAndNeverWritesTimesOutWith504() throws Exception {
    // The response is awaited from the channel, which nobody writes or closes: the request's
    // deadline (3 s here, counted from the request's start) must still end it.
    String path = "/silent-stream/" + unique();
    route("GET", path, invocation -> CompletableFuture.completedFuture(null));
    long start = System.nanoTime();
    HttpResponse<byte[]> response = send(get(path));
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  // ---- errors ----

  @Test
  void unknownRouteIs404AndWrongMethodIs405() throws Exception {
    String path = "/methods/" + unique();
    route("POST", path, invocation -> body(json("ok", true)));

    HttpResponse<byte[]> missing = send(get("/nothing/" + unique()));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(parse(missing.body()))
        .isEqualTo(json("error", json("code", "NOT_FOUND", "message", "Not Found")));

    HttpResponse<byte[]> wrong = send(get(path));
    assertThat(wrong.statusCode()).isEqualTo(405);
    assertThat(wrong.headers().firstValue("allow")).hasValue("POST");
    assertThat(wrong.body()).isEmpty();
  }

  @Test
  void handlerErrorsAre500WithoutStackTraces() throws Exception {
    String base = "/fail/" + unique();
    route(
        "GET",
        base + "/throw",
        invocation -> {
          throw new IllegalStateException("boom");
        });
    route(
        "GET",
        base + "/coded",
        invocation -> {
          throw new FunctionException("ORDER_MISSING", "no such order");
        });

    HttpResponse<byte[]> thrown = send(get(base + "/throw"));
    assertThat(thrown.statusCode()).isEqualTo(500);
    JsonNode error = parse(thrown.body()).get("error");
    assertThat(error.get("code").getStringValue()).isEqualTo("invocation_failed");
    assertThat(error.get("message").getStringValue()).contains("boom");
    assertThat(error.get("error_id").getStringValue()).matches("[0-9a-f]{1,12}");
    assertThat(text(thrown)).doesNotContain("stacktrace").doesNotContain("at dev.iii4j");

    JsonNode coded = parse(send(get(base + "/coded")).body()).get("error");
    assertThat(coded.get("code").getStringValue()).isEqualTo("ORDER_MISSING");
    assertThat(coded.get("message").getStringValue()).isEqualTo("no such order");
  }

  @Test
  void aHandlerThatNeverAnswersTimesOutWith504() throws Exception {
    String path = "/slow/" + unique();
    route("GET", path, invocation -> new CompletableFuture<>());
    HttpResponse<byte[]> response = send(get(path));
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void bodiesAboveTheLimitAre413() throws Exception {
    String path = "/big/" + unique();
    route("POST", path, invocation -> body(json("ok", true)));
    // Several times, on fresh connections: the answer comes while the client is still sending,
    // and a server that closed with the rest of the body unread would reset the connection, so
    // that the client sometimes lost the 413.
    for (int i = 0; i < 20; i++) {
      HttpResponse<byte[]> response =
          send(
              get(path)
                  .header("content-type", "application/octet-stream")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4 * 1_048_576])));
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(parse(response.body()).get("error").get("code").getStringValue())
          .isEqualTo("PAYLOAD_TOO_LARGE");
    }
  }

  // ---- condition and middleware ----

  @Test
  void theConditionFunctionGatesTheHandler() throws Exception {
    String base = "/cond/" + unique();
    String condition = "test::cond::" + unique();
    AtomicReference<JsonNode> conditionInput = new AtomicReference<>();
    client.registerFunction(
        condition,
        ((SerdeHandler)
                invocation -> {
                  conditionInput.set(invocation.data());
                  String allow =
                      invocation.data().get("query_params").get("allow") == null
                          ? ""
                          : invocation.data().get("query_params").get("allow").getStringValue();
                  if (allow.equals("error")) {
                    throw new FunctionException("DENIED", "condition blew up");
                  }
                  return result(JsonNode.createBooleanNode(allow.equals("yes")));
                })
            .sdk());
    route(
        json("api_path", base, "http_method", "GET", "condition_function_id", condition),
        invocation -> body(json("ran", true)));

    HttpResponse<byte[]> denied = send(get(base + "?allow=no"));
    assertThat(denied.statusCode()).isEqualTo(422);
    assertThat(parse(denied.body()))
        .isEqualTo(
            json(
                "error",
                json("code", "CONDITION_NOT_MET", "message", "Request condition not met"),
                "skipped",
                true));
    assertThat(conditionInput.get().get("request_body")).isNull();
    assertThat(conditionInput.get().get("response")).isNull();
    assertThat(conditionInput.get().get("path").getStringValue()).isEqualTo(base);

    assertThat(parse(send(get(base + "?allow=yes")).body())).isEqualTo(json("ran", true));

    HttpResponse<byte[]> failed = send(get(base + "?allow=error"));
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(parse(failed.body()).get("error").get("code").getStringValue()).isEqualTo("DENIED");
  }

  @Test
  void routeMiddlewareMayRespondOrContinue() throws Exception {
    String base = "/mw/" + unique();
    String middleware = "test::mw::" + unique();
    AtomicReference<JsonNode> middlewareInput = new AtomicReference<>();
    client.registerFunction(
        middleware,
        ((SerdeHandler)
                invocation -> {
                  middlewareInput.set(invocation.data());
                  JsonNode headers = invocation.data().get("request").get("headers");
                  if (headers.get("authorization") == null) {
                    return result(
                        json(
                            "action",
                            "respond",
                            "response",
                            json(
                                "status_code",
                                401,
                                "body",
                                json("error", "unauthorized"),
                                "headers",
                                json("www-authenticate", "Bearer"))));
                  }
                  return result(json("action", "continue"));
                })
            .sdk());
    route(
        json(
            "api_path",
            base,
            "http_method",
            "GET",
            "middleware_function_ids",
            List.of(middleware, 42)),
        invocation -> body(json("ran", true)));

    HttpResponse<byte[]> refused = send(get(base + "?a=1"));
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("www-authenticate")).hasValue("Bearer");
    assertThat(parse(refused.body())).isEqualTo(json("error", "unauthorized"));
    JsonNode input = middlewareInput.get();
    assertThat(input.get("phase").getStringValue()).isEqualTo("preHandler");
    assertThat(input.get("request").get("query_params")).isEqualTo(json("a", "1"));
    assertThat(input.get("request").get("method").getStringValue()).isEqualTo("GET");
    assertThat(input.get("context")).isEqualTo(json());

    HttpResponse<byte[]> passed = send(get(base).header("authorization", "Bearer x"));
    assertThat(parse(passed.body())).isEqualTo(json("ran", true));
  }

  // ---- CORS ----

  @Test
  void corsPreflightAndOriginHeaders() throws Exception {
    String path = "/cors/" + unique();
    route("PUT", path, invocation -> body(json("ok", true)));

    HttpResponse<byte[]> preflight =
        send(
            get(path)
                .header("origin", "https://app.example")
                .header("access-control-request-method", "PUT")
                .header("access-control-request-headers", "x-token")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://app.example");
    assertThat(preflight.headers().firstValue("access-control-allow-headers")).hasValue("x-token");

    HttpResponse<byte[]> allowed =
        send(
            get(path)
                .header("origin", "https://app.example")
                .PUT(HttpRequest.BodyPublishers.noBody()));
    assertThat(allowed.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://app.example");
    HttpResponse<byte[]> other =
        send(
            get(path)
                .header("origin", "https://evil.example")
                .PUT(HttpRequest.BodyPublishers.noBody()));
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  /** A handler result {@code {body: value}}. */
  static CompletableFuture<JsonNode> body(JsonNode value) {
    return result(json("body", value));
  }

  static CompletableFuture<JsonNode> result(JsonNode value) {
    return CompletableFuture.completedFuture(value);
  }

  static URI base() {
    return service.base;
  }
}

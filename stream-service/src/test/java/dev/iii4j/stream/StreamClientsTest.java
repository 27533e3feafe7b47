package dev.iii4j.stream;

import static dev.iii4j.stream.Items.item;
import static dev.iii4j.testing.Calls.call;
import static dev.iii4j.testing.Calls.unique;
import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.TriggerRef;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.stream.clients.ClientHub;
import dev.iii4j.stream.functions.SubscriptionTriggers;
import dev.iii4j.testing.Calls;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client WebSocket protocol: join, sync, live events, leave, join and leave triggers, auth. */
class StreamClientsTest {
  private static GatewayHarness gateway;
  private static ApplicationContext service;
  private static EngineWorker client;
  private static URI url;
  private static final List<JsonNode> authCalls = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayHarness.start();
    client = gateway.worker("stream-clients-client");
    // The auth function answers a context derived from the client's query string.
    client.registerFunction(
        "test::stream-auth",
        FunctionHandler.sync(
            input -> {
              authCalls.add(Calls.stripCaller(SerdeTrees.serde(input)));
              JsonNode user = SerdeTrees.serde(input.get("query_params").get("user"));
              return user == null
                  ? SerdeTrees.sdk(JsonText.parse("{}"))
                  : SerdeTrees.sdk(
                      JsonText.parse(
                          "{\"context\":{\"user\":" + JsonText.write(user.get(0)) + "}}"));
            }));
    client.start().get(10, TimeUnit.SECONDS);
    Map<String, Object> properties =
        StreamServiceInstance.properties(
            gateway, PostgresFixture.instance().createDatabase("stream_clients"));
    properties.put("engine.stream.auth-function", "test::stream-auth");
    service = StreamServiceInstance.start(properties);
    url = StreamServiceInstance.clientUrl(service);
    Calls.awaitAnswer(client, "stream::list_all");
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void anItemSubscriptionGetsItsSyncThenItsLiveEventsOnly() throws Exception {
    String s = unique("item");
    settled(() -> call(client, "stream::set", item(s, "room", "a", "\"data\":{\"v\":1}")));
    try (StreamClient ws = StreamClient.connect(url)) {
      ws.join("sub-a", s, "room", "a");
      JsonNode sync = ws.next();
      assertThat(sync.get("type").getStringValue()).isEqualTo("stream");
      assertThat(sync.get("timestamp").isNumber()).isTrue();
      assertThatJson(JsonText.write(sync))
          .whenIgnoringPaths("timestamp")
          .isEqualTo(
              "{\"type\":\"stream\",\"timestamp\":0,\"streamName\":\""
                  + s
                  + "\",\"groupId\":\"room\",\"id\":\"a\","
                  + "\"event\":{\"type\":\"sync\",\"data\":{\"v\":1}}}");

      call(client, "stream::set", item(s, "room", "b", "\"data\":\"other item\""));
      call(client, "stream::set", item(s, "room", "a", "\"data\":{\"v\":2}"));
      call(
          client,
          "stream::update",
          item(s, "room", "a", "\"ops\":[{\"type\":\"increment\",\"path\":\"v\",\"by\":1}]"));
      call(client, "stream::delete", item(s, "room", "a"));
      call(client, "stream::set", item(s, "room", "a", "\"data\":null"));
      assertThat(ws.nextEvent()).isEqualTo("{\"type\":\"update\",\"data\":{\"v\":2}}");
      assertThat(ws.nextEvent()).isEqualTo("{\"type\":\"update\",\"data\":{\"v\":3}}");
      assertThat(ws.nextEvent()).isEqualTo("{\"type\":\"delete\",\"data\":{\"v\":3}}");
      JsonNode created = ws.next();
      assertThat(JsonText.write(created.get("event")))
          .isEqualTo("{\"type\":\"create\",\"data\":null}");
      assertThat(created.get("id").getStringValue()).isEqualTo("a");
      ws.assertQuiet(Duration.ofMillis(300));
    }
  }

  @Test
  void aGroupSubscriptionGetsTheGroupThenEverythingInIt() throws Exception {
    String s = unique("group");
    settled(
        () -> {
          call(client, "stream::set", item(s, "g", "x", "\"data\":1"));
          call(client, "stream::set", item(s, "g", "y", "\"data\":2"));
        });
    try (StreamClient ws = StreamClient.connect(url)) {
      ws.join("sub-g", s, "g", null);
      JsonNode sync = ws.next();
      assertThat(sync.get("id").isNull()).isTrue();
      assertThat(ws.drain()).isEmpty();
      assertThat(JsonText.write(sync.get("event"))).isEqualTo("{\"type\":\"sync\",\"data\":[1,2]}");

      call(client, "stream::set", item(s, "other", "x", "\"data\":\"not mine\""));
      call(client, "stream::set", item(s, "g", "z", "\"data\":3"));
      call(client, "stream::delete", item(s, "g", "x"));
      call(
          client,
          "stream::send",
          "{\"stream_name\":\""
              + s
              + "\",\"group_id\":\"g\",\"type\":\"typing\",\"data\":{\"who\":\"ada\"}}");
      call(
          client,
          "stream::send",
          "{\"stream_name\":\""
              + s
              + "\",\"group_id\":\"g\",\"id\":\"y\",\"type\":\"poke\",\"data\":0}");
      JsonNode create = ws.next();
      assertThat(create.get("id").getStringValue()).isEqualTo("z");
      assertThat(JsonText.write(create.get("event"))).isEqualTo("{\"type\":\"create\",\"data\":3}");
      assertThat(ws.nextEvent()).isEqualTo("{\"type\":\"delete\",\"data\":1}");
      JsonNode custom = ws.next();
      assertThat(custom.get("id").isNull()).isTrue();
      assertThat(JsonText.write(custom.get("event")))
          .isEqualTo(
              "{\"type\":\"event\",\"event\":{\"type\":\"typing\",\"data\":{\"who\":\"ada\"}}}");
      assertThat(ws.nextEvent())
          .isEqualTo("{\"type\":\"event\",\"event\":{\"type\":\"poke\",\"data\":0}}");
      ws.assertQuiet(Duration.ofMillis(300));
    }
  }

  @Test
  void anItemSubscriptionOfAMissingItemSyncsNullAndLeaveStopsEvents() throws Exception {
    String s = unique("missing");
    try (StreamClient ws = StreamClient.connect(url)) {
      ws.join("one", s, "g", "nope");
      assertThat(ws.nextEvent()).isEqualTo("{\"type\":\"sync\",\"data\":null}");
      ws.leave("one", s, "g", "nope");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> service.getBean(ClientHub.class).subscriptions() == 0);
      call(client, "stream::set", item(s, "g", "nope", "\"data\":1"));
      ws.assertQuiet(Duration.ofMillis(300));
    }
  }

  @Test
  void aJoinTriggerRefusesASubscriptionAndSeesTheAuthContext() throws Exception {
    String s = unique("guarded");
    List<JsonNode> joins = new CopyOnWriteArrayList<>();
    List<JsonNode> metadata = new CopyOnWriteArrayList<>();
    EngineWorker guard = gateway.worker("join-guard");
    guard.registerFunction(
        "test::join-guard",
        invocation -> {
          JsonNode payload = Calls.stripCaller(SerdeTrees.serde(invocation.data()));
          if (!payload.get("stream_name").getStringValue().equals(s)) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
          }
          joins.add(payload);
          metadata.add(SerdeTrees.serde(invocation.metadata()));
          boolean refused = payload.get("group_id").getStringValue().equals("secret");
          return (java.util.concurrent.CompletableFuture.completedFuture(
                  JsonText.parse("{\"unauthorized\":" + refused + "}")))
              .thenApply(SerdeTrees::sdk);
        });
    TriggerRef trigger =
        guard.registerTrigger(
            SubscriptionTriggers.JOIN,
            "test::join-guard",
            SerdeTrees.sdk(JsonText.parse("{}")),
            SerdeTrees.sdk(JsonText.parse("{\"why\":\"guard\"}")));
    guard.start().get(10, TimeUnit.SECONDS);
    SubscriptionTriggers triggers = service.getBean(SubscriptionTriggers.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> !triggers.joins().bindings().isEmpty());
    try (StreamClient ws = StreamClient.connect(URI.create(url + "?user=ada&user=bob&x"))) {
      ws.join("s1", s, "secret", null);
      JsonNode refused = ws.next();
      assertThatJson(JsonText.write(refused))
          .whenIgnoringPaths("timestamp")
          .isEqualTo(
              "{\"type\":\"stream\",\"timestamp\":0,\"streamName\":\""
                  + s
                  + "\",\"groupId\":\"secret\",\"id\":null,\"event\":{\"type\":\"unauthorized\"}}");
      call(client, "stream::set", item(s, "secret", "i", "\"data\":1"));
      ws.assertQuiet(Duration.ofMillis(300));

      ws.join("s2", s, "open", "i");
      assertThat(ws.nextEvent()).isEqualTo("{\"type\":\"sync\",\"data\":null}");
      assertThat(JsonText.write(joins.get(0)))
          .isEqualTo(
              "{\"subscription_id\":\"s1\",\"stream_name\":\""
                  + s
                  + "\",\"group_id\":\"secret\",\"id\":null,\"context\":{\"user\":\"ada\"}}");
      assertThat(JsonText.write(joins.get(1)))
          .isEqualTo(
              "{\"subscription_id\":\"s2\",\"stream_name\":\""
                  + s
                  + "\",\"group_id\":\"open\",\"id\":\"i\",\"context\":{\"user\":\"ada\"}}");
      assertThat(JsonText.write(metadata.get(0))).isEqualTo("{\"why\":\"guard\"}");
    } finally {
      trigger.unregister();
      guard.close();
    }
    JsonNode auth =
        authCalls.stream()
            .filter(a -> JsonText.write(a.get("query_params")).contains("bob"))
            .findFirst()
            .orElseThrow();
    assertThat(auth.get("path").getStringValue()).isEqualTo("/");
    assertThat(JsonText.write(auth.get("query_params")))
        .isEqualTo("{\"user\":[\"ada\",\"bob\"],\"x\":[\"\"]}");
    assertThat(auth.get("headers").get("upgrade").getStringValue()).isEqualTo("websocket");
    assertThat(auth.get("addr").getStringValue()).startsWith("127.0.0.1:");
  }

  @Test
  void leaveTriggersRunOnLeaveAndForEverySubscriptionLeftAtDisconnect() throws Exception {
    String s = unique("leave");
    List<JsonNode> leaves = new CopyOnWriteArrayList<>();
    EngineWorker watcher = gateway.worker("leave-watcher");
    watcher.registerFunction(
        "test::leave-watcher",
        FunctionHandler.sync(
            payload -> {
              if (payload.get("stream_name").textValue().equals(s)) {
                leaves.add(Calls.stripCaller(SerdeTrees.serde(payload)));
              }
              return null;
            }));
    TriggerRef trigger =
        watcher.registerTrigger(SubscriptionTriggers.LEAVE, "test::leave-watcher", null);
    watcher.start().get(10, TimeUnit.SECONDS);
    SubscriptionTriggers triggers = service.getBean(SubscriptionTriggers.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> !triggers.leaves().bindings().isEmpty());
    try {
      StreamClient ws = StreamClient.connect(URI.create(url + "?user=eve"));
      ws.join("a", s, "g", null);
      ws.join("b", s, "g", "i");
      ws.join("c", s, "h", null);
      ws.next();
      ws.next();
      ws.next();
      ws.leave("c", s, "h", null);
      await().atMost(Duration.ofSeconds(5)).until(() -> leaves.size() == 1);
      assertThat(JsonText.write(leaves.get(0)))
          .isEqualTo(
              "{\"subscription_id\":\"c\",\"stream_name\":\""
                  + s
                  + "\",\"group_id\":\"h\",\"id\":null,\"context\":{\"user\":\"eve\"}}");
      ws.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> leaves.size() == 3);
      assertThat(leaves.stream().map(l -> l.get("subscription_id").getStringValue()))
          .containsExactlyInAnyOrder("c", "a", "b");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> service.getBean(ClientHub.class).connected() == 0);
    } finally {
      trigger.unregister();
      watcher.close();
    }
  }

  @Test
  void theAuthFunctionIsCalledBeforeTheUpgradeWithHeaders() throws Exception {
    int before = authCalls.size();
    try (StreamClient ws = StreamClient.connect(url, Map.of("Authorization", "Bearer t0k"))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> authCalls.size() > before);
      JsonNode call = authCalls.get(authCalls.size() - 1);
      assertThat(call.get("headers").get("authorization").getStringValue()).isEqualTo("Bearer t0k");
      assertThat(JsonText.write(call.get("query_params"))).isEqualTo("{}");
    }
  }

  @Test
  void badFramesAreIgnoredAndTheConnectionStays() throws Exception {
    String s = unique("bad");
    try (StreamClient ws = StreamClient.connect(url)) {
      ws.sendText("not json");
      ws.sendText("{\"type\":\"subscribe\",\"data\":{}}");
      ws.sendText("{\"type\":\"join\",\"data\":{\"streamName\":\"x\"}}");
      ws.sendText("   ");
      ws.join("ok", s, "g", null);
      assertThat(ws.nextEvent()).isEqualTo("{\"type\":\"sync\",\"data\":[]}");
    }
  }

  @Test
  void onlyGetSlashWithAnUpgradeIsServed() throws Exception {
    assertThat(rawRequest("GET /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n"))
        .startsWith("HTTP/1.1 404")
        .contains("\"code\":\"NOT_FOUND\"");
    assertThat(rawRequest("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        .startsWith("HTTP/1.1 400")
        .contains("Upgrade: websocket expected");
    assertThat(rawRequest("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"))
        .startsWith("HTTP/1.1 405");
  }

  /** Something that writes. */
  @FunctionalInterface
  interface Writes {
    void run() throws Exception;
  }

  /**
   * Runs writes, then waits until this replica's change feed has passed their messages (a client
   * watching a marker sees a marker sent after them: the feed delivers in commit order), so that a
   * client joining next does not also get them as events after its sync, which the protocol allows
   * for changes committed just before the snapshot.
   */
  private static void settled(Writes writes) throws Exception {
    String marker = unique("settle");
    try (StreamClient barrier = StreamClient.connect(url)) {
      barrier.join("m", marker, "g", null);
      barrier.next();
      writes.run();
      call(
          client,
          "stream::send",
          "{\"stream_name\":\"" + marker + "\",\"group_id\":\"g\",\"type\":\"m\",\"data\":0}");
      barrier.next();
    }
  }

  private static String rawRequest(String request) throws Exception {
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

package dev.iii4j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.TriggerAction;
import io.micronaut.context.ApplicationContext;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streaming channels: engine::channels::create and /ws/channels/{id}, over real sockets. */
class ChannelTest {
  static ApplicationContext context;
  static int port;

  @BeforeAll
  static void start() {
    context =
        TestGateway.run(
            Map.of(
                "engine.gateway.channel-unclaimed-ttl",
                "1500ms",
                "engine.gateway.channel-sweep-interval",
                "200ms"));
    port = TestGateway.port(context);
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  /** A channel socket that records what it receives. */
  static final class End implements WebSocket.Listener {
    final List<Object> items = new ArrayList<>();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final CompletableFuture<String> closeReason = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    WebSocket socket;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        synchronized (this) {
          items.add(text.toString());
        }
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      binary.writeBytes(chunk);
      if (last) {
        synchronized (this) {
          items.add(binary.toByteArray());
          bytes.writeBytes(binary.toByteArray());
        }
        binary.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeReason.complete(reason);
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.completeExceptionally(error);
    }
  }

  record Refs(String id, String key) {}

  private static Refs create(RawWorker owner, String input) {
    String id = UUID.randomUUID().toString();
    owner.send(
        new Message.InvokeFunction(
            id, "engine::channels::create", RawWorker.CODEC.parseTree(input)));
    JsonNode result =
        owner.next(Message.InvocationResult.class, r -> r.invocationId().equals(id)).result();
    JsonNode writer = result.get("writer");
    JsonNode reader = result.get("reader");
    assertThat(writer.get("direction").textValue()).isEqualTo("write");
    assertThat(reader.get("direction").textValue()).isEqualTo("read");
    assertThat(writer.get("channel_id").textValue())
        .isEqualTo(reader.get("channel_id").textValue());
    assertThat(writer.get("access_key").textValue())
        .isEqualTo(reader.get("access_key").textValue());
    return new Refs(writer.get("channel_id").textValue(), writer.get("access_key").textValue());
  }

  private static End open(Refs refs, String dir) {
    return open(refs.id(), refs.key(), dir);
  }

  private static End open(String id, String key, String dir) {
    End end = new End();
    end.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                URI.create(
                    "ws://127.0.0.1:"
                        + port
                        + "/ws/channels/"
                        + id
                        + "?key="
                        + key
                        + "&dir="
                        + dir),
                end)
            .orTimeout(5, TimeUnit.SECONDS)
            .join();
    return end;
  }

  private static byte[] randomBytes(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return data;
  }

  private static void sendInFrames(WebSocket ws, byte[] data, int frame) {
    for (int at = 0; at < data.length; at += frame) {
      ws.sendBinary(
              ByteBuffer.wrap(Arrays.copyOfRange(data, at, Math.min(data.length, at + frame))),
              true)
          .join();
    }
  }

  @Test
  void streamsTextAndBytesInOrderAndClosesTheReaderAfterTheWriterEnds() throws Exception {
    try (RawWorker owner = RawWorker.connect(port)) {
      Refs refs = create(owner, "{}");
      End writer = open(refs, "write");
      byte[] data = randomBytes(3 * 1024 * 1024 + 17);
      writer.socket.sendText("{\"type\":\"set_status\",\"status_code\":201}", true).join();
      End reader = open(refs, "read");
      sendInFrames(writer.socket, data, 64 * 1024);
      writer.socket.sendText("done", true).join();
      writer.socket.sendClose(1000, "stream_complete").join();
      assertThat(reader.closed.get(10, TimeUnit.SECONDS))
          .as("close without a status code")
          .isEqualTo(1005);
      assertThat(reader.bytes.toByteArray()).isEqualTo(data);
      assertThat(reader.items.get(0)).isEqualTo("{\"type\":\"set_status\",\"status_code\":201}");
      assertThat(reader.items.get(reader.items.size() - 1)).isEqualTo("done");
    }
  }

  @Test
  void aSmallBufferHoldsTheWriterBackUntilTheReaderCatchesUp() throws Exception {
    try (RawWorker owner = RawWorker.connect(port)) {
      Refs refs = create(owner, "{\"buffer_size\":1}");
      End writer = open(refs, "write");
      // 200 frames of 64 KiB (12.5 MiB) cannot sit in socket buffers: with a one-item channel
      // buffer the writer only finishes because the reader drains it.
      int frames = 200;
      byte[] data = randomBytes(frames * 64 * 1024);
      CompletableFuture<Void> sending =
          CompletableFuture.runAsync(
              () -> {
                sendInFrames(writer.socket, data, 64 * 1024);
                writer.socket.sendClose(1000, "stream_complete").join();
              });
      End reader = open(refs, "read");
      assertThat(reader.closed.get(30, TimeUnit.SECONDS)).isEqualTo(1005);
      sending.get(5, TimeUnit.SECONDS);
      assertThat(reader.items).hasSize(frames);
      assertThat(reader.bytes.toByteArray()).isEqualTo(data);
    }
  }

  @Test
  void wrongKeysUnknownChannelsAndBadParametersAreRefusedBeforeTheUpgrade() {
    try (RawWorker owner = RawWorker.connect(port)) {
      Refs refs = create(owner, "{}");
      assertThatThrownBy(() -> open(refs.id(), "not-the-key", "read"))
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOfSatisfying(
              WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
      assertThatThrownBy(() -> open(UUID.randomUUID().toString(), refs.key(), "read"))
          .cause()
          .isInstanceOfSatisfying(
              WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
      assertThatThrownBy(() -> open(refs.id(), refs.key(), "sideways"))
          .cause()
          .isInstanceOfSatisfying(
              WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(400));
    }
  }

  private static JsonNode call(RawWorker worker, String functionId, String input) {
    String id = UUID.randomUUID().toString();
    worker.send(new Message.InvokeFunction(id, functionId, RawWorker.CODEC.parseTree(input)));
    Message.InvocationResult result =
        worker.next(Message.InvocationResult.class, r -> r.invocationId().equals(id));
    return result.error() != null
        ? RawWorker.CODEC.parseTree("{\"code\":\"" + result.error().code() + "\"}")
        : result.result();
  }

  @Test
  void aChannelCreatedWithContentIsReadWithoutAWriter() throws Exception {
    try (RawWorker owner = RawWorker.connect(port)) {
      // 150 KiB: three frames of at most 64 KiB, more than the one-item buffer asked for.
      byte[] data = randomBytes(150 * 1024);
      Refs refs =
          create(
              owner,
              "{\"buffer_size\":1,\"content_base64\":\""
                  + java.util.Base64.getEncoder().encodeToString(data)
                  + "\"}");
      End writer = open(refs, "write");
      assertThat(writer.closed.get(5, TimeUnit.SECONDS)).as("the engine wrote it").isEqualTo(1008);
      End reader = open(refs, "read");
      assertThat(reader.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1005);
      assertThat(reader.bytes.toByteArray()).isEqualTo(data);
      assertThat(reader.items).hasSize(3);

      Refs empty = create(owner, "{\"content_base64\":\"\"}");
      End emptyReader = open(empty, "read");
      assertThat(emptyReader.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1005);
      assertThat(emptyReader.items).isEmpty();

      assertThat(call(owner, "engine::channels::create", "{\"content_base64\":\"%%%\"}"))
          .isEqualTo(RawWorker.CODEC.parseTree("{\"code\":\"deserialization_error\"}"));
    }
  }

  private static String openInput(String... entries) {
    return "{\"channels\":[" + String.join(",", entries) + "]}";
  }

  private static String entry(String id, String key, String extra) {
    return "{\"channel_id\":\"" + id + "\",\"access_key\":\"" + key + "\"" + extra + "}";
  }

  @Test
  void channelsOpenedFireAndForgetExistWhenTheCallSentNextReachesItsHandler() throws Exception {
    try (RawWorker caller = RawWorker.connect(port);
        RawWorker handler = RawWorker.connect(port)) {
      String function = "channel-test::" + UUID.randomUUID();
      handler.send(new Message.RegisterFunction(function));
      handler.sync();
      String body = UUID.randomUUID().toString();
      String response = UUID.randomUUID().toString();
      String key = UUID.randomUUID() + "" + UUID.randomUUID();
      String input =
          openInput(
              entry(body, key, ",\"content_base64\":\"aGVsbG8=\""),
              entry(response, key, ",\"buffer_size\":2"));
      // No answer to wait for: the call that follows on the same connection is routed after it.
      caller.send(
          Message.InvokeFunction.of(
              null,
              "engine::channels::open",
              RawWorker.CODEC.parseTree(input),
              null,
              null,
              new TriggerAction.Void(),
              null));
      caller.send(new Message.InvokeFunction(UUID.randomUUID().toString(), function, null));
      handler.next(Message.InvokeFunction.class, m -> m.functionId().equals(function));

      End bodyReader = open(body, key, "read");
      assertThat(bodyReader.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1005);
      assertThat(new String(bodyReader.bytes.toByteArray(), StandardCharsets.UTF_8))
          .isEqualTo("hello");
      End writer = open(response, key, "write");
      End reader = open(response, key, "read");
      writer.socket.sendText("streamed", true).join();
      await().atMost(5, TimeUnit.SECONDS).until(() -> reader.items.equals(List.of("streamed")));

      String release = "{\"channel_ids\":[\"" + response + "\"]}";
      assertThat(call(caller, "engine::channels::release", release).get("released").intValue())
          .isEqualTo(1);
      assertThat(reader.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4001);
    }
  }

  @Test
  void openRefusesShortKeysAndTakenIdsAndCreatesNothingThen() throws Exception {
    try (RawWorker owner = RawWorker.connect(port)) {
      String key = UUID.randomUUID() + "" + UUID.randomUUID();
      String id = UUID.randomUUID().toString();
      String invalid = "{\"code\":\"INVALID_ARGUMENTS\"}";
      assertThat(call(owner, "engine::channels::open", openInput(entry(id, "short", ""))))
          .isEqualTo(RawWorker.CODEC.parseTree(invalid));
      assertThat(call(owner, "engine::channels::open", "{}"))
          .isEqualTo(RawWorker.CODEC.parseTree(invalid));
      assertThat(
              call(
                  owner,
                  "engine::channels::open",
                  openInput(entry(id, key, ",\"content_base64\":\"%%%\""))))
          .isEqualTo(RawWorker.CODEC.parseTree("{\"code\":\"deserialization_error\"}"));
      // The same id twice: the first is rolled back, so opening it alone succeeds afterwards.
      assertThat(
              call(
                  owner,
                  "engine::channels::open",
                  openInput(entry(id, key, ""), entry(id, key, ""))))
          .isEqualTo(RawWorker.CODEC.parseTree(invalid));
      assertThatThrownBy(() -> open(id, key, "read"))
          .cause()
          .isInstanceOfSatisfying(
              WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
      assertThat(
              call(owner, "engine::channels::open", openInput(entry(id, key, "")))
                  .get("opened")
                  .intValue())
          .isEqualTo(1);
      assertThat(call(owner, "engine::channels::open", openInput(entry(id, key, ""))))
          .isEqualTo(RawWorker.CODEC.parseTree(invalid));
    }
  }

  @Test
  void onlyTheOwnerReleasesAChannelAndItsSidesAreClosed() throws Exception {
    try (RawWorker owner = RawWorker.connect(port);
        RawWorker stranger = RawWorker.connect(port)) {
      Refs refs = create(owner, "{}");
      End reader = open(refs, "read");
      String release = "{\"channel_ids\":[\"" + refs.id() + "\",\"no-such-channel\"]}";
      assertThat(call(stranger, "engine::channels::release", release).get("released").intValue())
          .isZero();
      End writer = open(refs, "write");
      writer.socket.sendText("still open", true).join();
      await().atMost(5, TimeUnit.SECONDS).until(() -> reader.items.size() == 1);

      assertThat(call(owner, "engine::channels::release", release).get("released").intValue())
          .isEqualTo(1);
      assertThat(reader.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4001);
      assertThat(reader.closeReason.get()).isEqualTo("channel released by its owner");
      assertThat(writer.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4001);
      assertThatThrownBy(() -> open(refs, "read"))
          .cause()
          .isInstanceOfSatisfying(
              WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
    }
  }

  @Test
  void eachSideCanBeTakenOnce() throws Exception {
    try (RawWorker owner = RawWorker.connect(port)) {
      Refs refs = create(owner, "{}");
      open(refs, "write");
      End second = open(refs, "write");
      assertThat(second.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1008);
    }
  }

  @Test
  void theOwnersDisconnectClosesBothSidesWith4001() throws Exception {
    RawWorker owner = RawWorker.connect(port);
    Refs refs = create(owner, "{}");
    End writer = open(refs, "write");
    End reader = open(refs, "read");
    writer.socket.sendText("partial", true).join();
    await().atMost(5, TimeUnit.SECONDS).until(() -> reader.items.size() == 1);
    owner.close();
    assertThat(reader.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4001);
    assertThat(reader.closeReason.get()).isEqualTo("channel owner disconnected");
    assertThat(writer.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4001);
  }

  @Test
  void channelsWhoseOtherSideNeverComesAreSwept() throws Exception {
    try (RawWorker owner = RawWorker.connect(port)) {
      Refs refs = create(owner, "{}");
      End writer = open(refs, "write");
      assertThat(writer.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4001);
      assertThat(writer.closeReason.get()).isEqualTo("channel expired unclaimed");
      assertThatThrownBy(() -> open(refs, "read"))
          .cause()
          .isInstanceOfSatisfying(
              WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
    }
  }

  /** A mint as a service holds it: a prefix and a secret, and the keys it computes. */
  record Minter(String prefix, byte[] secret) {
    static Minter random() {
      byte[] secret = randomBytes(32 + new Random().nextInt(8));
      new java.security.SecureRandom().nextBytes(secret);
      return new Minter(UUID.randomUUID().toString().replace("-", ""), secret);
    }

    String input() {
      return "{\"prefix\":\""
          + prefix
          + "\",\"secret\":\""
          + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret)
          + "\"}";
    }

    String id(String kind, long n, long expiresAtSeconds) {
      return prefix + "." + kind + "." + n + "." + expiresAtSeconds;
    }

    String key(String id) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static long inSeconds(long seconds) {
    return System.currentTimeMillis() / 1000 + seconds;
  }

  private static void assertNotFound(String id, String key, String dir) {
    assertThatThrownBy(() -> open(id, key, dir))
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
  }

  @Test
  void mintedChannelsExistWithoutAnnouncementAndCarryDataInEitherOrder() throws Exception {
    try (RawWorker owner = RawWorker.connect(port)) {
      Minter minter = Minter.random();
      assertThat(call(owner, "engine::channels::mint", minter.input()).get("prefix").textValue())
          .isEqualTo(minter.prefix());
      long expiry = inSeconds(60);

      String body = minter.id("b", 1, expiry);
      End bodyReader = open(body, minter.key(body), "read");
      assertThat(bodyReader.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1005);
      assertThat(bodyReader.items).isEmpty();

      String first = minter.id("r", 1, expiry);
      End writer = open(first, minter.key(first), "write");
      End reader = open(first, minter.key(first), "read");
      writer.socket.sendText("writer first", true).join();
      writer.socket.sendClose(1000, "stream_complete").join();
      assertThat(reader.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1005);
      assertThat(reader.items).containsExactly("writer first");

      String second = minter.id("r", 2, expiry);
      End reader2 = open(second, minter.key(second), "read");
      End writer2 = open(second, minter.key(second), "write");
      writer2.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
      writer2.socket.sendClose(1000, "stream_complete").join();
      assertThat(reader2.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1005);
      assertThat(reader2.bytes.toByteArray()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void mintedChannelsWithAWrongKeyAnUnknownPrefixOrAPastExpiryAreRefused() {
    try (RawWorker owner = RawWorker.connect(port)) {
      Minter minter = Minter.random();
      call(owner, "engine::channels::mint", minter.input());
      String id = minter.id("r", 7, inSeconds(60));
      assertNotFound(id, minter.key(id + "x"), "read");
      assertNotFound(id, new Minter(minter.prefix(), randomBytes(32)).key(id), "write");
      Minter unknown = Minter.random();
      String elsewhere = unknown.id("r", 7, inSeconds(60));
      assertNotFound(elsewhere, unknown.key(elsewhere), "read");
      String past = minter.id("r", 8, inSeconds(-2));
      assertNotFound(past, minter.key(past), "read");
      String badKind = minter.id("x", 9, inSeconds(60));
      assertNotFound(badKind, minter.key(badKind), "read");
      // The right key still opens it: the refusals created nothing under the id.
      End reader = open(id, minter.key(id), "read");
      assertThat(reader.closed).isNotDone();
      // Nobody may take a minted id ahead under a key of their own.
      String taken = minter.id("r", 10, inSeconds(60));
      String key = UUID.randomUUID() + "" + UUID.randomUUID();
      assertThat(call(owner, "engine::channels::open", openInput(entry(taken, key, ""))))
          .isEqualTo(RawWorker.CODEC.parseTree("{\"code\":\"INVALID_ARGUMENTS\"}"));
    }
  }

  @Test
  void theOwnersDisconnectInvalidatesItsMintAndClosesItsMintedChannels() throws Exception {
    RawWorker owner = RawWorker.connect(port);
    Minter minter = Minter.random();
    call(owner, "engine::channels::mint", minter.input());
    String id = minter.id("r", 1, inSeconds(60));
    End reader = open(id, minter.key(id), "read");
    owner.close();
    assertThat(reader.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4001);
    String next = minter.id("r", 2, inSeconds(60));
    assertNotFound(next, minter.key(next), "read");
    // The prefix is free again.
    try (RawWorker other = RawWorker.connect(port)) {
      assertThat(call(other, "engine::channels::mint", minter.input()).get("prefix").textValue())
          .isEqualTo(minter.prefix());
    }
  }

  @Test
  void badMintInputIsRefusedWithItsCode() {
    try (RawWorker owner = RawWorker.connect(port);
        RawWorker stranger = RawWorker.connect(port)) {
      String invalid = "{\"code\":\"INVALID_ARGUMENTS\"}";
      Minter good = Minter.random();
      assertThat(call(owner, "engine::channels::mint", new Minter("short", good.secret()).input()))
          .isEqualTo(RawWorker.CODEC.parseTree(invalid));
      assertThat(
              call(
                  owner,
                  "engine::channels::mint",
                  new Minter(good.prefix() + ".x", good.secret()).input()))
          .isEqualTo(RawWorker.CODEC.parseTree(invalid));
      assertThat(
              call(
                  owner,
                  "engine::channels::mint",
                  new Minter(good.prefix(), Arrays.copyOf(good.secret(), 31)).input()))
          .isEqualTo(RawWorker.CODEC.parseTree(invalid));
      assertThat(
              call(
                  owner,
                  "engine::channels::mint",
                  "{\"prefix\":\"" + good.prefix() + "\",\"secret\":\"%%%\"}"))
          .isEqualTo(RawWorker.CODEC.parseTree(invalid));
      assertThat(call(owner, "engine::channels::mint", "{\"prefix\":\"" + good.prefix() + "\"}"))
          .isEqualTo(RawWorker.CODEC.parseTree("{\"code\":\"deserialization_error\"}"));

      assertThat(call(owner, "engine::channels::mint", good.input()).get("prefix").textValue())
          .isEqualTo(good.prefix());
      assertThat(call(stranger, "engine::channels::mint", good.input()))
          .as("a prefix registered by another connection")
          .isEqualTo(RawWorker.CODEC.parseTree(invalid));
      for (int i = 1; i < 16; i++) {
        assertThat(call(owner, "engine::channels::mint", Minter.random().input()).has("prefix"))
            .isTrue();
      }
      assertThat(call(owner, "engine::channels::mint", Minter.random().input()))
          .isEqualTo(RawWorker.CODEC.parseTree("{\"code\":\"limit_exceeded\"}"));
      assertThat(call(stranger, "engine::channels::mint", Minter.random().input()).has("prefix"))
          .as("the cap is per connection")
          .isTrue();
    }
  }

  @Test
  void mintedChannelsWithASideMissingAreSweptAtTheirExpiryNotTheUnclaimedTtl() throws Exception {
    try (RawWorker owner = RawWorker.connect(port)) {
      Minter minter = Minter.random();
      call(owner, "engine::channels::mint", minter.input());
      // Expires 4 to 5 s from now; the unclaimed TTL here is 1.5 s.
      String id = minter.id("r", 1, inSeconds(5));
      End writer = open(id, minter.key(id), "write");
      await()
          .during(3, TimeUnit.SECONDS)
          .atMost(4, TimeUnit.SECONDS)
          .until(() -> !writer.closed.isDone());
      assertThat(writer.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4001);
      assertThat(writer.closeReason.get()).isEqualTo("channel expired unclaimed");
      assertNotFound(id, minter.key(id), "read");
    }
  }
}

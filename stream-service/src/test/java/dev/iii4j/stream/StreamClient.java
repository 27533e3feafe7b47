package dev.iii4j.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.ops.JsonText;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stream client for tests over the JDK's WebSocket: sends join/leave frames and collects the
 * server's messages in order.
 */
final class StreamClient implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private StreamClient(URI url, Map<String, String> headers) throws Exception {
    WebSocket.Builder builder = HTTP.newWebSocketBuilder();
    headers.forEach(builder::header);
    socket =
        builder
            .buildAsync(
                url,
                new WebSocket.Listener() {
                  private final StringBuilder text = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      messages.add(JsonText.parse(text.toString()));
                      text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(
                      WebSocket webSocket, int statusCode, String reason) {
                    closed.complete(statusCode);
                    return null;
                  }

                  @Override
                  public void onError(WebSocket webSocket, Throwable error) {
                    closed.complete(-1);
                  }
                })
            .get(10, TimeUnit.SECONDS);
  }

  static StreamClient connect(URI url) throws Exception {
    return new StreamClient(url, Map.of());
  }

  static StreamClient connect(URI url, Map<String, String> headers) throws Exception {
    return new StreamClient(url, headers);
  }

  void join(String subscriptionId, String stream, String group, @Nullable String id) {
    send("join", subscriptionId, stream, group, id);
  }

  void leave(String subscriptionId, String stream, String group, @Nullable String id) {
    send("leave", subscriptionId, stream, group, id);
  }

  void sendText(String text) {
    socket.sendText(text, true).join();
  }

  private void send(String type, String subscriptionId, String stream, String group, String id) {
    sendText(
        "{\"type\":\""
            + type
            + "\",\"data\":{\"subscriptionId\":\""
            + subscriptionId
            + "\",\"streamName\":\""
            + stream
            + "\",\"groupId\":\""
            + group
            + "\""
            + (id == null ? "" : ",\"id\":\"" + id + "\"")
            + "}}");
  }

  /** The next message, waiting up to 10 s. */
  JsonNode next() throws InterruptedException {
    JsonNode message = messages.poll(10, TimeUnit.SECONDS);
    assertThat(message).as("a message within 10 s").isNotNull();
    return message;
  }

  /** The next message's {@code event} as JSON text. */
  String nextEvent() throws InterruptedException {
    return JsonText.write(next().get("event"));
  }

  /** Nothing arrives within {@code wait}. */
  void assertQuiet(Duration wait) throws InterruptedException {
    JsonNode message = messages.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(message).as("no message expected").isNull();
  }

  List<JsonNode> drain() {
    List<JsonNode> all = new java.util.ArrayList<>();
    messages.drainTo(all);
    return all;
  }

  CompletableFuture<Integer> closed() {
    return closed;
  }

  @Override
  public void close() {
    try {
      if (!socket.isOutputClosed()) {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
      }
      closed.get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Closing is best effort; abort below ends it either way.
    } finally {
      socket.abort();
    }
  }
}

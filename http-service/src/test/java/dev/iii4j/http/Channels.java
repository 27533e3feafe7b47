package dev.iii4j.http;

import dev.iii4j.http.channels.WebSocketChannelClient;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.SerdeHandler;
import io.micronaut.json.tree.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A handler's side of the channels: reads a request body, writes a streamed response. */
final class Channels implements AutoCloseable {
  private final URI gateway;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final WebSocketChannelClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  Channels(EngineWorker worker) {
    this.gateway = worker.options().engineUrl();
    this.client = new WebSocketChannelClient(worker, executor, timer);
  }

  static ChannelClient.Ref ref(JsonNode node) {
    return new ChannelClient.Ref(
        node.get("channel_id").getStringValue(),
        node.get("access_key").getStringValue(),
        node.get("direction").getStringValue());
  }

  /** Everything the channel carries until its writer closes. */
  CompletableFuture<byte[]> readAll(JsonNode ref) {
    CompletableFuture<byte[]> all = new CompletableFuture<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    client.read(
        ref(ref),
        new ChannelClient.ReadListener() {
          @Override
          public void onText(String text) {}

          @Override
          public void onBinary(byte[] chunk, Runnable next) {
            out.writeBytes(chunk);
            next.run();
          }

          @Override
          public void onClosed(boolean normally) {
            if (normally) {
              all.complete(out.toByteArray());
            } else {
              all.completeExceptionally(new IllegalStateException("channel dropped"));
            }
          }
        });
    return all;
  }

  /**
   * A handler that answers with no value and writes {@code frames} to its request's response
   * channel (see {@link #write}): a streamed response.
   */
  SerdeHandler respondingWith(List<Object> frames) {
    return invocation -> write(invocation.data().get("response"), frames).thenApply(v -> null);
  }

  /** Writes text frames (Strings) and binary frames (byte arrays) in order, then closes. */
  CompletableFuture<Void> write(JsonNode ref, List<Object> frames) {
    ChannelClient.Ref r = ref(ref);
    URI uri =
        URI.create(
            "ws://"
                + gateway.getRawAuthority()
                + "/ws/channels/"
                + r.channelId()
                + "?key="
                + r.accessKey()
                + "&dir=write");
    CompletableFuture<WebSocket> ws =
        http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {});
    for (Object frame : frames) {
      ws =
          ws.thenCompose(
              s ->
                  frame instanceof String text
                      ? s.sendText(text, true)
                      : s.sendBinary(ByteBuffer.wrap((byte[]) frame), true));
    }
    return ws.thenCompose(s -> s.sendClose(WebSocket.NORMAL_CLOSURE, "stream_complete"))
        .thenApply(s -> null);
  }

  @Override
  public void close() {
    client.close();
    http.shutdownNow();
    executor.shutdownNow();
    timer.shutdownNow();
  }
}

package dev.iii4j.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the WebSocket floor: the JDK's {@code java.net.http.WebSocket}, the transport
 * the Java SDK uses, with no codec and no engine. Several round trips may be in flight on the one
 * connection: sends are chained (the JDK allows one outstanding send), and echoes complete the
 * oldest waiting round trip, as the echo server keeps order.
 */
final class EchoClient implements AutoCloseable {
  private final Queue<CompletableFuture<Void>> waiting = new ConcurrentLinkedQueue<>();
  private final Object sendLock = new Object();
  private final WebSocket socket;
  private CompletableFuture<WebSocket> lastSend;

  private EchoClient(URI uri) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.socket =
        http.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(uri, new Listener())
            .get(30, TimeUnit.SECONDS);
    this.lastSend = CompletableFuture.completedFuture(socket);
  }

  static EchoClient connect(URI uri) throws Exception {
    return new EchoClient(uri);
  }

  /** Sends {@code text}; completes when its echo has arrived. */
  CompletableFuture<Void> roundTrip(String text) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (sendLock) {
      waiting.add(done);
      lastSend = lastSend.thenCompose(ws -> ws.sendText(text, true));
      lastSend.whenComplete(
          (ws, e) -> {
            if (e != null) {
              done.completeExceptionally(e);
            }
          });
    }
    return done;
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      socket.abort();
    }
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      if (last) {
        CompletableFuture<Void> head = waiting.poll();
        if (head != null) {
          head.complete(null);
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      CompletableFuture<Void> head;
      while ((head = waiting.poll()) != null) {
        head.completeExceptionally(error);
      }
    }
  }
}

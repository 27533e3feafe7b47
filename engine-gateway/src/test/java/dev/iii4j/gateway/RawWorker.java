package dev.iii4j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.MessageCodec;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A protocol-level test client: sends frames exactly as given and records every frame the gateway
 * sends, so tests can assert the wire itself (the SDK would hide it).
 */
final class RawWorker implements AutoCloseable {
  static final MessageCodec CODEC = new MessageCodec();

  private final WebSocket socket;
  private final BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
  private final List<Message> seen = new ArrayList<>();
  final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  final CompletableFuture<Void> pong = new CompletableFuture<>();

  /** Messages received as text frames and as binary frames. */
  final AtomicInteger textMessages = new AtomicInteger();

  final AtomicInteger binaryMessages = new AtomicInteger();
  final String workerId;
  final String reattachToken;

  private RawWorker(URI uri, Map<String, String> headers) {
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    headers.forEach(builder::header);
    socket =
        builder
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(uri, new Listener())
            .orTimeout(10, TimeUnit.SECONDS)
            .join();
    Message first = next();
    assertThat(first).isInstanceOf(Message.WorkerRegistered.class);
    workerId = ((Message.WorkerRegistered) first).workerId();
    reattachToken = ((Message.WorkerRegistered) first).reattachToken();
  }

  static RawWorker connect(int port) {
    return new RawWorker(URI.create("ws://127.0.0.1:" + port + "/"), Map.of());
  }

  static RawWorker connect(int port, Map<String, String> headers) {
    return new RawWorker(URI.create("ws://127.0.0.1:" + port + "/"), headers);
  }

  void send(Message message) {
    sendText(CODEC.encode(message));
  }

  void sendText(String text) {
    socket.sendText(text, true).join();
  }

  void sendBinary(byte[] frame) {
    socket.sendBinary(ByteBuffer.wrap(frame), true).join();
  }

  /**
   * Waits until the gateway has applied every frame sent so far on this connection: frames are
   * applied in order, so the answer to a JSON ping comes after them.
   */
  void sync() {
    sendText("{\"type\":\"ping\"}");
    next(Message.Pong.class);
  }

  void sendPing() {
    socket.sendPing(ByteBuffer.wrap(new byte[] {1, 2, 3})).join();
  }

  /** The next frame, failing after 5 s. */
  Message next() {
    try {
      Message m = inbox.poll(5, TimeUnit.SECONDS);
      if (m == null) {
        throw new AssertionError("no frame from the gateway within 5 s; seen so far: " + seen);
      }
      return m;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next frame of a type, skipping others. */
  <T extends Message> T next(Class<T> type) {
    return next(type, m -> true);
  }

  /** The next frame of a type that matches, skipping others. */
  <T extends Message> T next(Class<T> type, Predicate<T> filter) {
    return next(type, filter, Duration.ofSeconds(5));
  }

  /** The next frame of a type that matches, skipping others, failing after {@code wait}. */
  <T extends Message> T next(Class<T> type, Predicate<T> filter, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      Message m;
      try {
        m = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      if (m != null && type.isInstance(m) && filter.test(type.cast(m))) {
        return type.cast(m);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " within " + wait + "; seen: " + seen);
  }

  /** The frame waiting now, or null if nothing arrived within the given time. */
  Message poll(long millis) throws InterruptedException {
    return inbox.poll(millis, TimeUnit.MILLISECONDS);
  }

  void abort() {
    socket.abort();
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(1000, "bye");
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    private final ByteArrayOutputStream partialBytes = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        textMessages.incrementAndGet();
        received(CODEC.decode(partial.toString()));
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      partialBytes.writeBytes(chunk);
      if (last) {
        binaryMessages.incrementAndGet();
        received(CODEC.decode(partialBytes.toString(StandardCharsets.UTF_8)));
        partialBytes.reset();
      }
      ws.request(1);
      return null;
    }

    private void received(Message m) {
      synchronized (seen) {
        seen.add(m);
      }
      inbox.add(m);
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      pong.complete(null);
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closeCode.completeExceptionally(error);
    }
  }
}

package dev.iii4j.sdk;

import dev.iii4j.protocol.Message;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One WebSocket connection attempt and, once open, the connection itself. The JDK calls the
 * listener methods one at a time (we request one message at a time), so the reassembly buffers need
 * no locking.
 */
final class Connection implements WebSocket.Listener {

  private final WorkerRuntime runtime;
  final long number;
  private final StringBuilder text = new StringBuilder();
  private final List<byte[]> parts = new ArrayList<>();
  private int partBytes;
  private final AtomicBoolean lost = new AtomicBoolean();

  /** Completes when the connection is gone, for whatever reason. */
  final CompletableFuture<Void> gone = new CompletableFuture<>();

  private volatile @Nullable WebSocket socket;
  private volatile @Nullable FrameWriter writer;
  volatile Message.@Nullable WorkerRegistered registration;
  volatile long lastInboundNanos = System.nanoTime();
  volatile long lastPingNanos = System.nanoTime();
  volatile @Nullable ScheduledFuture<?> keepalive;

  Connection(WorkerRuntime runtime, long number) {
    this.runtime = runtime;
    this.number = number;
  }

  /** Queues a frame (UTF-8 JSON); false when this connection cannot send (not open, or gone). */
  boolean offer(byte[] frame) {
    FrameWriter w = writer;
    return w != null && !lost.get() && w.offer(frame);
  }

  void ping() {
    FrameWriter w = writer;
    if (w != null) {
      lastPingNanos = System.nanoTime();
      w.ping();
    }
  }

  /** Sends Close after the queued frames; completes when sent (or fails when it cannot be). */
  CompletableFuture<Void> close(int code, String reason) {
    FrameWriter w = writer;
    return w == null
        ? CompletableFuture.failedFuture(new IllegalStateException("not open"))
        : w.close(code, reason);
  }

  /**
   * Marks the connection gone; true only for the first caller.
   *
   * @param abort whether to drop the socket hard (not when the engine's Close is being answered)
   */
  boolean markLost(boolean abort) {
    if (!lost.compareAndSet(false, true)) {
      return false;
    }
    ScheduledFuture<?> k = keepalive;
    if (k != null) {
      k.cancel(false);
    }
    FrameWriter w = writer;
    if (w != null) {
      w.stop();
    }
    WebSocket s = socket;
    if (s != null && abort) {
      s.abort();
    }
    gone.complete(null);
    return true;
  }

  boolean isLost() {
    return lost.get();
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    socket = webSocket;
    writer =
        new FrameWriter(
            webSocket, failure -> runtime.onLost(this, "send failed: " + failure, true));
    lastInboundNanos = System.nanoTime();
    runtime.onOpen(this);
    webSocket.request(1);
  }

  @Override
  public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    lastInboundNanos = System.nanoTime();
    if (last) {
      // A message in one piece (the usual case) is not copied into the builder first.
      String frame;
      if (text.isEmpty()) {
        frame = data.toString();
      } else {
        frame = text.append(data).toString();
        text.setLength(0);
      }
      runtime.onFrame(this, frame.getBytes(StandardCharsets.UTF_8));
    } else {
      text.append(data);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    lastInboundNanos = System.nanoTime();
    // The JDK reuses the buffer once this method returns, so each part is copied out; a message
    // in parts is put together once at its end (each byte copied twice, not once per growth).
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    if (last && parts.isEmpty()) {
      runtime.onFrame(this, chunk);
    } else {
      parts.add(chunk);
      partBytes += chunk.length;
      if (last) {
        byte[] frame = new byte[partBytes];
        int at = 0;
        for (byte[] part : parts) {
          System.arraycopy(part, 0, frame, at, part.length);
          at += part.length;
        }
        parts.clear();
        partBytes = 0;
        runtime.onFrame(this, frame);
      }
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
    // The JDK answers the Ping with a Pong itself.
    lastInboundNanos = System.nanoTime();
    webSocket.request(1);
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
    lastInboundNanos = System.nanoTime();
    webSocket.request(1);
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    // Returning null lets the JDK answer the engine's Close once this method returns.
    runtime.onLost(this, "closed by the engine: " + statusCode + " " + reason, false);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    runtime.onLost(this, "socket error: " + error, true);
  }
}

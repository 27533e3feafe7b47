package dev.iii4j.sdk.internal;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The single writer of one connection. {@link WebSocket} allows one outstanding send, so frames go
 * through one queue drained by one virtual thread, which waits for each send before the next. After
 * a failed send or {@link #stop()}, nothing more is written.
 */
final class FrameWriter {

  private enum Kind {
    TEXT,
    PING,
    CLOSE
  }

  private record Item(Kind kind, String text, int code, CompletableFuture<Void> done) {}

  private final WebSocket socket;
  private final Consumer<Throwable> onFailure;
  private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private volatile boolean stopped;
  private final Thread thread;

  FrameWriter(WebSocket socket, String name, Consumer<Throwable> onFailure) {
    this.socket = socket;
    this.onFailure = onFailure;
    this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /** Queues a text frame; false when the writer has stopped. */
  boolean offer(String text) {
    return !stopped && queue.offer(new Item(Kind.TEXT, text, 0, new CompletableFuture<>()));
  }

  /** Queues a WebSocket Ping. */
  void ping() {
    if (!stopped) {
      queue.offer(new Item(Kind.PING, "", 0, new CompletableFuture<>()));
    }
  }

  /** Queues a Close frame after the frames already queued; completes when it was sent. */
  CompletableFuture<Void> close(int code, String reason) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (stopped || !queue.offer(new Item(Kind.CLOSE, reason, code, done))) {
      done.completeExceptionally(new IllegalStateException("writer stopped"));
    }
    return done;
  }

  /** Stops writing; queued frames are dropped. */
  void stop() {
    stopped = true;
    thread.interrupt();
    queue.clear();
  }

  private void run() {
    while (!stopped) {
      Item item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        switch (item.kind()) {
          case TEXT -> socket.sendText(item.text(), true).get();
          case PING -> socket.sendPing(ByteBuffer.allocate(0)).get();
          case CLOSE -> {
            socket.sendClose(item.code(), item.text()).get();
            stopped = true;
          }
        }
        item.done().complete(null);
      } catch (InterruptedException e) {
        item.done().completeExceptionally(e);
        return;
      } catch (ExecutionException | RuntimeException e) {
        Throwable cause =
            e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        item.done().completeExceptionally(cause);
        stopped = true;
        onFailure.accept(cause);
        return;
      }
    }
  }
}

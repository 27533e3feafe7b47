package dev.iii4j.sdk;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The single writer of one connection. {@link WebSocket} allows one outstanding send, so frames
 * wait in one queue: the thread that offers a frame while nothing is being sent sends it itself,
 * and each completed send starts the next queued one on the thread that completed it. No thread of
 * its own, so no hand-off per frame. After a failed send or {@link #stop()}, nothing more is
 * written.
 */
final class FrameWriter {

  private enum Kind {
    FRAME,
    PING,
    CLOSE
  }

  private record Item(
      Kind kind, byte[] frame, String text, int code, @Nullable CompletableFuture<Void> done) {}

  private static final byte[] NONE = new byte[0];

  private final WebSocket socket;
  private final Consumer<Throwable> onFailure;
  private final Object lock = new Object();
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private boolean sending;
  private volatile boolean stopped;

  FrameWriter(WebSocket socket, Consumer<Throwable> onFailure) {
    this.socket = socket;
    this.onFailure = onFailure;
  }

  /**
   * Queues a protocol message, UTF-8 JSON, to go out as one binary frame; false when the writer has
   * stopped. Binary, not text: the engine parses a binary frame that is not telemetry as a protocol
   * message (spec 1.3, the reference does the same), and the bytes go out as they are, where a text
   * frame makes the JDK re-encode the message from UTF-16 through a charset encoder.
   */
  boolean offer(byte[] frame) {
    return enqueue(new Item(Kind.FRAME, frame, "", 0, null));
  }

  /** Queues a WebSocket Ping. */
  void ping() {
    enqueue(new Item(Kind.PING, NONE, "", 0, null));
  }

  /** Queues a Close frame after the frames already queued; completes when it was sent. */
  CompletableFuture<Void> close(int code, String reason) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!enqueue(new Item(Kind.CLOSE, NONE, reason, code, done))) {
      done.completeExceptionally(new IllegalStateException("writer stopped"));
    }
    return done;
  }

  /** Stops writing; queued frames are dropped. */
  void stop() {
    synchronized (lock) {
      stopped = true;
      queue.clear();
    }
  }

  private boolean enqueue(Item item) {
    synchronized (lock) {
      if (stopped) {
        return false;
      }
      if (sending) {
        queue.add(item);
        return true;
      }
      sending = true;
    }
    drain(item);
    return true;
  }

  /**
   * Sends items until the queue is empty or a send is still in flight; then its completion goes on.
   */
  private void drain(@Nullable Item first) {
    Item item = first;
    while (item != null) {
      CompletableFuture<WebSocket> sent;
      try {
        sent =
            switch (item.kind()) {
              case FRAME -> socket.sendBinary(ByteBuffer.wrap(item.frame()), true);
              case PING -> socket.sendPing(ByteBuffer.allocate(0));
              case CLOSE -> socket.sendClose(item.code(), item.text());
            };
      } catch (RuntimeException e) {
        fail(item, e);
        return;
      }
      if (!sent.isDone()) {
        Item inFlight = item;
        CompletableFuture<?> unused =
            sent.whenComplete(
                (ws, error) -> {
                  if (finished(inFlight, error)) {
                    drain(next());
                  }
                });
        return;
      }
      if (!finished(item, failureOf(sent))) {
        return;
      }
      item = next();
    }
  }

  private @Nullable Item next() {
    synchronized (lock) {
      Item item = stopped ? null : queue.poll();
      if (item == null) {
        sending = false;
      }
      return item;
    }
  }

  /** Records the end of a send; false when writing stops here. */
  private boolean finished(Item item, @Nullable Throwable error) {
    if (error != null) {
      fail(item, error);
      return false;
    }
    if (item.done() != null) {
      item.done().complete(null);
    }
    if (item.kind() == Kind.CLOSE) {
      stop();
      return false;
    }
    return true;
  }

  private void fail(Item item, Throwable error) {
    Throwable cause =
        (error instanceof CompletionException || error instanceof ExecutionException)
                && error.getCause() != null
            ? error.getCause()
            : error;
    if (item.done() != null) {
      item.done().completeExceptionally(cause);
    }
    stop();
    onFailure.accept(cause);
  }

  private static @Nullable Throwable failureOf(CompletableFuture<?> done) {
    try {
      done.join();
      return null;
    } catch (CompletionException e) {
      return e;
    } catch (RuntimeException e) {
      return e;
    }
  }
}

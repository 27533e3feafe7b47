package dev.iii4j.gateway.channel;

import dev.iii4j.gateway.WorkerSession;
import io.micronaut.core.annotation.Nullable;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A streaming channel (spec section 5): a bounded, ordered pipe of text and binary items from one
 * writer socket to one reader socket. Each side is attached at most once; items written before the
 * reader attaches wait in the buffer; the writer is held back while the buffer is full.
 *
 * <p>Transport-free and thread-safe: the WebSocket layer offers and polls items and is told through
 * listeners when to resume ({@link #onReadable}, {@link #onWritable}) or to close ({@link
 * #onDropped}). Listeners are called without the channel's lock held, on the calling thread.
 */
public final class StreamChannel {

  /** One item of the stream. */
  public sealed interface Item {}

  /**
   * A text item, delivered as a text frame.
   *
   * @param text the text
   */
  public record Text(String text) implements Item {}

  /**
   * A binary item, delivered as a binary frame.
   *
   * @param bytes the bytes (owned by the item; not copied again)
   */
  @SuppressWarnings("ArrayRecordComponent") // immutable by convention, handed over once
  public record Binary(byte[] bytes) implements Item {}

  private final String id;
  private final String accessKey;
  private final int capacity;
  private final @Nullable WorkerSession owner;
  private final long createdAtMs = System.currentTimeMillis();
  private final long expiresAtMs;
  private final ArrayDeque<Item> buffer = new ArrayDeque<>();
  private boolean writerTaken;
  private boolean readerTaken;
  private boolean writerDone;
  private @Nullable String droppedReason;
  private Runnable readable = () -> {};
  private Runnable writable = () -> {};
  private Consumer<String> readerDropped = reason -> {};
  private Consumer<String> writerDropped = reason -> {};

  StreamChannel(String id, String accessKey, int capacity, @Nullable WorkerSession owner) {
    this(id, accessKey, capacity, owner, 0);
  }

  /**
   * A channel that the sweep drops once {@code expiresAtMs} has passed while a side is still
   * missing (0: the unclaimed TTL applies instead).
   */
  StreamChannel(
      String id, String accessKey, int capacity, @Nullable WorkerSession owner, long expiresAtMs) {
    this.id = id;
    this.accessKey = accessKey;
    this.capacity = capacity;
    this.owner = owner;
    this.expiresAtMs = expiresAtMs;
  }

  public String id() {
    return id;
  }

  public String accessKey() {
    return accessKey;
  }

  public int capacity() {
    return capacity;
  }

  /** The connection that created the channel; its disconnect drops the channel. */
  public @Nullable WorkerSession owner() {
    return owner;
  }

  public long createdAtMs() {
    return createdAtMs;
  }

  /** When a minted channel expires (epoch milliseconds), or 0 for other channels. */
  public long expiresAtMs() {
    return expiresAtMs;
  }

  /**
   * Claims the writing side.
   *
   * @return null when claimed; otherwise why not (the side is taken, or the drop reason)
   */
  public synchronized @Nullable String takeWriter(Runnable onWritable, Consumer<String> onDropped) {
    if (droppedReason != null) {
      return droppedReason;
    }
    if (writerTaken) {
      return "write side already taken";
    }
    writerTaken = true;
    writable = onWritable;
    writerDropped = onDropped;
    return null;
  }

  /**
   * Claims the reading side.
   *
   * @return null when claimed; otherwise why not (the side is taken, or the drop reason)
   */
  public synchronized @Nullable String takeReader(Runnable onReadable, Consumer<String> onDropped) {
    if (droppedReason != null) {
      return droppedReason;
    }
    if (readerTaken) {
      return "read side already taken";
    }
    readerTaken = true;
    readable = onReadable;
    readerDropped = onDropped;
    return null;
  }

  /** Whether both sides have attached at some point. */
  public synchronized boolean fullyAttached() {
    return writerTaken && readerTaken;
  }

  /**
   * Appends an item.
   *
   * @return false when the buffer is full: the writer must wait for {@code onWritable} and offer
   *     the item again. Items offered after the end of the stream or a drop are discarded (true).
   */
  public boolean offer(Item item) {
    Runnable notify;
    synchronized (this) {
      if (writerDone || droppedReason != null) {
        return true;
      }
      if (buffer.size() >= capacity) {
        return false;
      }
      buffer.add(item);
      notify = readable;
    }
    notify.run();
    return true;
  }

  /** Takes the next item, or null when none is waiting. */
  public @Nullable Item poll() {
    Item item;
    Runnable notify;
    synchronized (this) {
      item = buffer.poll();
      notify = item == null ? null : writable;
    }
    if (notify != null) {
      notify.run();
    }
    return item;
  }

  /** The writer finished: the reader gets the rest of the buffer, then the end of the stream. */
  public void finishWriting() {
    Runnable notify;
    synchronized (this) {
      if (writerDone) {
        return;
      }
      writerDone = true;
      notify = readable;
    }
    notify.run();
  }

  /** Whether the writer finished and every item was taken. */
  public synchronized boolean drained() {
    return writerDone && buffer.isEmpty();
  }

  /** Whether the channel was dropped. */
  public synchronized boolean dropped() {
    return droppedReason != null;
  }

  /** Ends the channel for both sides at once, with a reason for their close frames. */
  public void drop(String reason) {
    Consumer<String> reader;
    Consumer<String> writer;
    synchronized (this) {
      if (droppedReason != null) {
        return;
      }
      droppedReason = reason;
      buffer.clear();
      reader = readerDropped;
      writer = writerDropped;
    }
    reader.accept(reason);
    writer.accept(reason);
  }
}

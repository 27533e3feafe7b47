package dev.iii4j.sdk;

import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.MessageCodec;
import dev.iii4j.protocol.ProtocolException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of a worker: the current connection, the offline queue of frames written while
 * disconnected, the closed flag, and the worker's one {@link #lock}.
 *
 * <p>Threading: the current connection, the offline queue and the closed flag are guarded by {@link
 * #lock}, the same lock that guards the registrations ({@link Registry}) and the lifecycle state of
 * {@link WorkerRuntime}, so a replay on open and a registration or send made at the same moment can
 * never interleave wrongly. The current connection is also readable without it. Frames are encoded
 * before the lock is taken and written to the socket after it is released (see {@link #route}).
 */
final class Outbound {

  // The logger of the worker as a whole, so log categories stay as they were.
  private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);

  /** The worker's one lock; see the class doc. */
  final Object lock = new Object();

  private final MessageCodec codec;
  private final WorkerOptions options;
  // Guarded by lock.
  private final Deque<Queued> offline = new ArrayDeque<>();
  private boolean closed;
  // Written under lock, read anywhere.
  private volatile @Nullable Connection current;

  Outbound(MessageCodec codec, WorkerOptions options) {
    this.codec = codec;
    this.options = options;
  }

  /** The open connection, or null while disconnected; readable without the lock. */
  @Nullable Connection current() {
    return current;
  }

  /** Makes {@code connection} the current one (or none). Caller holds the lock. */
  void setCurrent(@Nullable Connection connection) {
    current = connection;
  }

  /** Whether the worker is closed. Caller holds the lock. */
  boolean isClosed() {
    return closed;
  }

  /** Marks the worker closed and drops the offline queue. Caller holds the lock. */
  void markClosed() {
    closed = true;
    offline.clear();
  }

  /** Throws when the worker is closed. Caller holds the lock. */
  void requireNotClosed() {
    if (closed) {
      throw new IllegalStateException("worker is closed");
    }
  }

  /** The deadline of a frame sent now with the default invocation timeout. */
  long defaultDeadline() {
    return System.nanoTime() + options.invocationTimeout().toNanos();
  }

  /**
   * Moves the queued frames still worth sending to {@code frames}, in order, marking their calls as
   * sent on {@code connection}; drops expired ones and those whose call is already done. Caller
   * holds the lock.
   */
  void drainOffline(Connection connection, List<byte[]> frames) {
    long now = System.nanoTime();
    for (Queued q = offline.poll(); q != null; q = offline.poll()) {
      if (now - q.deadlineNanos > 0 || (q.call != null && q.call.future.isDone())) {
        continue;
      }
      if (q.call != null) {
        q.call.sentOn = connection;
      }
      frames.add(q.frame);
    }
  }

  /** Sends a reply frame; queued while disconnected, as the Node SDK does. */
  void reply(Message message) {
    byte[] frame;
    try {
      frame = codec.encodeToBytes(message); // outside the lock: other threads send meanwhile
    } catch (ProtocolException e) {
      LOG.error("cannot encode {}; not sent", MessageCodec.typeOf(message), e);
      return;
    }
    long deadline = defaultDeadline();
    Connection target;
    synchronized (lock) {
      if (closed) {
        LOG.debug("worker closed; dropping {}", MessageCodec.typeOf(message));
        return;
      }
      target = route(frame, deadline, null);
    }
    offer(target, frame, deadline, null);
  }

  /** Encodes and sends, or queues while disconnected. Caller holds the lock. */
  void send(Message message, long deadlineNanos, Calls.@Nullable PendingCall call) {
    byte[] frame;
    try {
      frame = codec.encodeToBytes(message);
    } catch (ProtocolException e) {
      LOG.error("cannot encode {}; not sent", MessageCodec.typeOf(message), e);
      return;
    }
    sendFrame(frame, deadlineNanos, call);
  }

  /**
   * The first half of a send that writes outside the lock: picks the connection to offer the frame
   * to, or queues the frame while disconnected (then null). Caller holds the lock.
   *
   * <p>The socket write happens in {@link #offer}, after the lock is released: a write can take a
   * while (the JDK's WebSocket writes on the calling thread when the socket is ready), and every
   * other sender waits on this lock. One thread's frames keep their order (it offers them one after
   * another); frames of different threads were never ordered. A connection becomes current only
   * after its replay was queued under this lock, so nothing overtakes the replay.
   */
  @Nullable Connection route(byte[] frame, long deadlineNanos, Calls.@Nullable PendingCall call) {
    Connection c = current;
    if (c == null) {
      offline.add(new Queued(frame, deadlineNanos, call));
      return null;
    }
    if (call != null) {
      call.sentOn = c;
    }
    return c;
  }

  /**
   * The second half: offers the frame to the connection {@link #route} picked, without the lock;
   * when that connection went away meanwhile, sends it as {@link #sendFrame} does.
   */
  void offer(
      @Nullable Connection target,
      byte[] frame,
      long deadlineNanos,
      Calls.@Nullable PendingCall call) {
    if (target == null || target.offer(frame)) {
      return;
    }
    synchronized (lock) {
      if (!closed) {
        sendFrame(frame, deadlineNanos, call);
      }
    }
  }

  /** Caller holds the lock. */
  private void sendFrame(byte[] frame, long deadlineNanos, Calls.@Nullable PendingCall call) {
    Connection c = current;
    if (c != null && c.offer(frame)) {
      if (call != null) {
        call.sentOn = c;
      }
      return;
    }
    offline.add(new Queued(frame, deadlineNanos, call));
  }

  /** Sends a registration frame if connected; registrations are replayed, never queued. */
  void sendIfOpen(Message message) {
    Connection c = current;
    if (c != null) {
      c.offer(codec.encodeToBytes(message));
    }
  }

  private record Queued(byte[] frame, long deadlineNanos, Calls.@Nullable PendingCall call) {}
}

package dev.iii4j.http;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The {@code concurrency_request_limit} of the reference: at most {@code limit} requests of one
 * route and method run at once; the others wait, in arrival order, for a slot. The wait does not
 * count towards the request timeout. Non-blocking: a request that has to wait is started by the
 * request that frees its slot.
 *
 * <p>Thread-safe.
 */
public final class ConcurrencyLimiter {
  private final int limit;
  private final Executor handoff;
  private final Map<String, Gate> gates = new ConcurrentHashMap<>();

  /**
   * A limiter.
   *
   * @param limit requests in flight per route and method; below 1 counts as 1 (as in the reference)
   * @param handoff starts a waiting request when a slot frees up (never inline, so a chain of
   *     requests that finish at once does not grow the stack)
   */
  public ConcurrencyLimiter(int limit, Executor handoff) {
    this.limit = Math.max(1, limit);
    this.handoff = handoff;
  }

  /** The limit in force. */
  public int limit() {
    return limit;
  }

  /**
   * Runs {@code start} now when the route has a free slot, or later when one frees up. Whoever runs
   * {@code start} must call {@link Slot#release()} exactly once when the request is over.
   */
  public void enter(String routeKey, Consumer<Slot> start) {
    Gate gate = gates.computeIfAbsent(routeKey, k -> new Gate());
    Slot slot = new Slot(gate, handoff);
    boolean now;
    synchronized (gate) {
      now = gate.inFlight < limit;
      if (now) {
        gate.inFlight++;
      } else {
        gate.waiting.add(() -> start.accept(slot));
      }
    }
    if (now) {
      start.accept(slot);
    }
  }

  /** Requests waiting for a slot, over all routes. */
  public int waiting() {
    int n = 0;
    for (Gate gate : gates.values()) {
      synchronized (gate) {
        n += gate.waiting.size();
      }
    }
    return n;
  }

  /** The slot one request holds; releasing it starts the next waiting request, if any. */
  public static final class Slot {
    private final Gate gate;
    private final Executor handoff;
    private boolean released;

    private Slot(Gate gate, Executor handoff) {
      this.gate = gate;
      this.handoff = handoff;
    }

    /** Frees the slot; later calls do nothing. */
    public void release() {
      Runnable next;
      synchronized (gate) {
        if (released) {
          return;
        }
        released = true;
        next = gate.waiting.poll();
        if (next == null) {
          gate.inFlight--;
        }
        // Otherwise the slot passes to the next request and inFlight stays the same.
      }
      if (next != null) {
        handoff.execute(next);
      }
    }
  }

  private static final class Gate {
    private int inFlight;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  }
}

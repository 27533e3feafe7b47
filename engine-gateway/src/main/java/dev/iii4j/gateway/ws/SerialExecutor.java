package dev.iii4j.gateway.ws;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one after another, in submission order, on a shared executor. One per connection, so a
 * connection's frames are applied in arrival order while connections proceed in parallel, and a
 * task that waits (a {@code reattach} waiting for an eviction) never blocks the socket threads.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicInteger queued = new AtomicInteger();

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    queued.incrementAndGet();
    schedule();
  }

  /** Tasks waiting or running. */
  int backlog() {
    return queued.get();
  }

  private void schedule() {
    if (running.compareAndSet(false, true)) {
      delegate.execute(this::drain);
    }
  }

  private void drain() {
    try {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.error("connection task failed", e);
        } finally {
          queued.decrementAndGet();
        }
      }
    } finally {
      running.set(false);
      // A task added between the last poll and the reset above must not be stranded.
      if (!tasks.isEmpty()) {
        schedule();
      }
    }
  }
}

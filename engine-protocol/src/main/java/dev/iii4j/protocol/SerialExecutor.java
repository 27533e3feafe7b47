package dev.iii4j.protocol;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one after another, in submission order, on threads of a shared executor: one per
 * connection (a gateway worker connection, an SDK connection's provider calls, a stream client), so
 * a connection's frames are handled in arrival order while connections proceed in parallel, and a
 * task that waits never blocks a socket thread. It lives in the protocol module because that is the
 * one module the gateway, the SDK and the services all share.
 *
 * <p>Thread-safe. A task that throws is logged and does not stop the ones behind it. When the
 * delegate rejects the drain, the waiting tasks are dropped and the rejection is thrown to the
 * caller of {@link #execute}.
 */
public final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicInteger queued = new AtomicInteger();

  /** Runs tasks on {@code delegate}, one at a time. */
  public SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    queued.incrementAndGet();
    schedule();
  }

  /** Tasks waiting or running. */
  public int backlog() {
    return queued.get();
  }

  private void schedule() {
    if (!tasks.isEmpty() && running.compareAndSet(false, true)) {
      try {
        delegate.execute(this::drain);
      } catch (RejectedExecutionException e) {
        while (tasks.poll() != null) {
          queued.decrementAndGet();
        }
        running.set(false);
        throw e;
      }
    }
  }

  private void drain() {
    try {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          // Thread boundary: one failed task must not stop the ones behind it.
          LOG.warn("serial task failed", e);
        } finally {
          queued.decrementAndGet();
        }
      }
    } finally {
      running.set(false);
      // A task added between the last poll and the reset above must not be stranded.
      schedule();
    }
  }
}

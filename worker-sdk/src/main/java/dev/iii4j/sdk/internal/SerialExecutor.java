package dev.iii4j.sdk.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs tasks one at a time, in submission order, on threads of a delegate executor. */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final Deque<Runnable> tasks = new ArrayDeque<>();
  private boolean active;

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (active) {
        return;
      }
      active = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        tasks.clear();
        active = false;
      }
      throw e;
    }
  }

  private void drain() {
    while (true) {
      Runnable task;
      synchronized (this) {
        task = tasks.poll();
        if (task == null) {
          active = false;
          return;
        }
      }
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.warn("serial task failed", e);
      }
    }
  }
}

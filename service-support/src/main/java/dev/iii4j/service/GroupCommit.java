package dev.iii4j.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Group commit: writes that arrive while another batch is being committed are committed together,
 * in one statement or transaction, by one of their callers.
 *
 * <p>A caller of {@link #submit} queues its write. When no batch is running, it becomes the
 * committer at once, on its own thread: with one write in flight nothing waits and nothing changes
 * threads, and a batch of one runs {@code alone}. While a batch runs, later writes queue; when it
 * ends, its committer hands over to the oldest queued write's caller, who takes whatever is queued
 * (at most {@code maxBatch} writes, at most one per key) and commits it. There is no timer: a batch
 * is what piled up while the previous one was committing.
 *
 * <ul>
 *   <li><b>Order per key.</b> A batch holds at most one write per key; a later write of a key
 *       already in the batch stays queued, ahead of later writes of that key, for the next batch.
 *       So the writes of one key are committed one after another in the order they were submitted.
 *   <li><b>One failure fails one caller.</b> {@code together} is all or nothing. When it throws,
 *       the batch's writes run {@code alone}, one after another in batch order, and each caller
 *       gets its own write's result or exception. A write for which {@code together} answers null
 *       (it applied nothing for it, for example an insert that met a row created meanwhile) runs
 *       {@code alone} after it too.
 * </ul>
 *
 * <p>Threading: thread-safe. {@code alone} and {@code together} run on the committing caller's
 * thread, one batch at a time, so a batch uses one database connection however many callers wait.
 * Callers wait without a deadline (the committer always completes them); an interrupt while waiting
 * is kept and set again on return.
 *
 * @param <W> a write
 * @param <R> its result
 */
public final class GroupCommit<W, R> {

  /** Commits several writes in one atomic step. */
  @FunctionalInterface
  public interface Together<W, R> {
    /**
     * Commits {@code writes} (two or more, distinct keys) all together or not at all.
     *
     * @return one result per write, in the order given; null for a write it did not apply (that
     *     write then runs alone)
     * @throws RuntimeException when nothing was committed; every write then runs alone
     */
    List<R> commit(List<W> writes);
  }

  private final int maxBatch;
  private final Function<W, Object> key;
  private final Function<W, R> alone;
  private final Together<W, R> together;

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Pending<W, R>> queue = new ArrayDeque<>();
  private boolean committing;

  /**
   * @param maxBatch the most writes one batch commits together (at least 1)
   * @param key the key of a write: writes with equal keys are committed in submission order
   * @param alone commits one write, or throws what its caller gets
   * @param together commits a batch of two or more writes (see {@link Together})
   */
  public GroupCommit(
      int maxBatch, Function<W, Object> key, Function<W, R> alone, Together<W, R> together) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
    }
    this.maxBatch = maxBatch;
    this.key = Objects.requireNonNull(key, "key");
    this.alone = Objects.requireNonNull(alone, "alone");
    this.together = Objects.requireNonNull(together, "together");
  }

  /**
   * Commits {@code write}, alone or with others, and answers its result once it is committed.
   *
   * @throws RuntimeException what {@code alone} threw for this write (an {@link Error} thrown while
   *     committing a batch is thrown to every caller of that batch)
   */
  public R submit(W write) {
    Pending<W, R> mine = new Pending<>(write, key.apply(write), lock.newCondition());
    List<Pending<W, R>> batch;
    boolean interrupted = false;
    lock.lock();
    try {
      queue.add(mine);
      if (committing) {
        while (!mine.done && !mine.leads) {
          try {
            mine.signal.await();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (!mine.done) {
        // No batch running, or the previous committer handed over to the oldest queued write,
        // which is this one: take what is queued.
        committing = true;
        batch = take();
      } else {
        batch = List.of();
      }
    } finally {
      lock.unlock();
    }
    if (!batch.isEmpty()) {
      try {
        commit(batch);
      } finally {
        handOver(batch);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return mine.outcome();
  }

  /** The oldest queued writes, at most one per key and {@code maxBatch} in all; under the lock. */
  private List<Pending<W, R>> take() {
    List<Pending<W, R>> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    Set<Object> keys = new HashSet<>();
    for (Iterator<Pending<W, R>> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
      Pending<W, R> p = it.next();
      if (keys.add(p.key)) {
        it.remove();
        batch.add(p);
      }
    }
    return batch;
  }

  /** Commits {@code batch}, recording each write's outcome; never throws. */
  private void commit(List<Pending<W, R>> batch) {
    try {
      List<R> results = null;
      if (batch.size() > 1) {
        List<W> writes = new ArrayList<>(batch.size());
        for (Pending<W, R> p : batch) {
          writes.add(p.write);
        }
        try {
          results = together.commit(writes);
          if (results.size() != batch.size()) {
            throw new IllegalStateException(
                "together answered " + results.size() + " results for " + batch.size() + " writes");
          }
        } catch (RuntimeException e) {
          results = null; // nothing committed: each runs alone
        }
      }
      for (int i = 0; i < batch.size(); i++) {
        Pending<W, R> p = batch.get(i);
        R result = results == null ? null : results.get(i);
        if (result != null) {
          p.result = result;
          continue;
        }
        try {
          p.result = alone.apply(p.write);
        } catch (RuntimeException e) {
          p.failure = e;
        }
      }
    } catch (Error e) {
      for (Pending<W, R> p : batch) {
        if (p.result == null && p.failure == null) {
          p.failure = e;
        }
      }
    }
  }

  /** Completes the batch's callers and hands over to the oldest queued write, if any. */
  private void handOver(List<Pending<W, R>> batch) {
    lock.lock();
    try {
      for (Pending<W, R> p : batch) {
        p.done = true;
        p.signal.signal();
      }
      Pending<W, R> next = queue.peekFirst();
      if (next == null) {
        committing = false;
      } else {
        next.leads = true;
        next.signal.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** A submitted write and, once committed, its outcome; the flags are guarded by the lock. */
  private static final class Pending<W, R> {
    final W write;
    final Object key;
    final Condition signal;
    boolean done;
    boolean leads;
    R result;
    Throwable failure;

    Pending(W write, Object key, Condition signal) {
      this.write = write;
      this.key = key;
      this.signal = signal;
    }

    R outcome() {
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      return result;
    }
  }
}

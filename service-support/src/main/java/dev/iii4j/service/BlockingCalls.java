package dev.iii4j.service;

import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.Invocation;
import io.micronaut.json.tree.JsonNode;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A fixed pool of platform threads for a service's blocking JDBC work, sized to its connection
 * pool, and SDK handlers that run on it.
 *
 * <p>The SDK runs each invocation on a virtual thread; blocking JDBC there parks on every socket
 * read and resumes through the virtual-thread scheduler, which bench B6 measured 40 to 57 % slower
 * than the same statement on a platform thread. A handler from {@link #handler} hands its body to
 * this pool and answers when it is done; {@link #run} hands over one piece of work and waits. More
 * callers than threads wait in the pool's queue, as they would wait for a connection anyway. Work
 * given to the pool must not wait on other calls through the gateway: a full pool would then wait
 * on itself.
 *
 * <p>Threading: thread-safe. {@link #close()} stops the threads after the queued work.
 */
public final class BlockingCalls implements AutoCloseable {
  /** The pool whose thread this is, on the pools' threads. */
  private static final ThreadLocal<BlockingCalls> OWNER = new ThreadLocal<>();

  private final ExecutorService threads;

  /** A pool of {@code size} daemon threads named {@code <name>-jdbc-<n>}. */
  public BlockingCalls(String name, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1, was " + size);
    }
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t =
              new Thread(
                  () -> {
                    OWNER.set(this);
                    r.run();
                  },
                  name + "-jdbc-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.threads = Executors.newFixedThreadPool(size, factory);
  }

  /**
   * A handler that runs {@code body} on this pool, its input parsed once into a Serde tree and its
   * result written once ({@link SerdeTrees#data}, {@link SerdeTrees#raw}); what it throws fails the
   * call as it is.
   */
  public FunctionHandler handler(Function<JsonNode, JsonNode> body) {
    return invocationHandler(invocation -> body.apply(SerdeTrees.data(invocation)));
  }

  /**
   * A handler that runs {@code body} on this pool with the whole invocation (its trace context as
   * well as its payload: read it with {@link SerdeTrees#data}), its result written once; what it
   * throws fails the call as it is.
   */
  public FunctionHandler invocationHandler(Function<Invocation, JsonNode> body) {
    // Handing the call to this pool does not block, so it happens on the SDK's socket thread
    // (OnListener): a hop to a virtual thread first would cost one more wake-up per call.
    return (FunctionHandler.OnListener)
        invocation -> {
          try {
            return CompletableFuture.supplyAsync(
                () -> SerdeTrees.raw(body.apply(invocation)), threads);
          } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
          }
        };
  }

  /**
   * Runs {@code work} on this pool; the future completes with its result, or fails with what it
   * threw. For a handler that decides per call whether its body may run here.
   */
  public <T> CompletableFuture<T> supply(Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, threads);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Runs {@code work} on this pool and waits for it; what it throws is thrown here as it is (an
   * unchecked exception or error). For callers on virtual threads that must not do the blocking
   * themselves, and that cannot hand their whole body over (because it also waits on other calls).
   * Called on one of this pool's own threads, it runs {@code work} in place.
   */
  public <T> T run(Supplier<T> work) {
    if (OWNER.get() == this) {
      return work.get();
    }
    Future<T> future = threads.submit(work::get);
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for blocking work");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    threads.shutdown();
    try {
      if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

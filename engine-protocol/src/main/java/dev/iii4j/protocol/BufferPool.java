package dev.iii4j.protocol;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;

/**
 * Where Jackson's parsers and generators take their working buffers from: on a platform thread (a
 * Netty event loop, the JDK WebSocket's threads) the thread's own, as Jackson does by default; on a
 * virtual thread a shared bounded pool.
 *
 * <p>Jackson's default keeps the buffers in a thread-local, and a virtual thread lives for one
 * task: every call a handler answers or a caller starts on a virtual thread allocated them afresh
 * (an 8,000-byte and a 4,000-char array per generator or parser), which was a fifth of the SDK's
 * CPU samples in B2.
 */
final class BufferPool implements RecyclerPool<BufferRecycler> {
  private static final long serialVersionUID = 1L;
  private static final int SHARED_BUFFERS = 128;

  private final RecyclerPool<BufferRecycler> perThread = JsonRecyclerPools.threadLocalPool();
  private final RecyclerPool<BufferRecycler> shared =
      JsonRecyclerPools.newBoundedPool(SHARED_BUFFERS);

  @Override
  public BufferRecycler acquirePooled() {
    return Thread.currentThread().isVirtual() ? shared.acquirePooled() : perThread.acquirePooled();
  }

  /** A shared buffer is linked to the shared pool, so it goes back there when released. */
  @Override
  public BufferRecycler acquireAndLinkPooled() {
    return Thread.currentThread().isVirtual()
        ? shared.acquireAndLinkPooled()
        : perThread.acquireAndLinkPooled();
  }

  /**
   * Buffers linked on acquisition go back by their link; an unlinked one is taken back only on a
   * virtual thread (a platform thread's own buffer must never reach the shared pool).
   */
  @Override
  public void releasePooled(BufferRecycler recycler) {
    if (Thread.currentThread().isVirtual()) {
      shared.releasePooled(recycler);
    }
  }

  /** How many buffers wait in the shared pool (for tests). */
  @Override
  public int pooledCount() {
    return shared.pooledCount();
  }
}

package dev.iii4j.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  /** A write of {@code key}; its result is {@code "ok:" + name}. */
  private record W(String key, String name) {}

  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Object> outcomes = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch gateEntered = new CountDownLatch(1);
  private final CountDownLatch gateRelease = new CountDownLatch(1);

  @AfterEach
  void joinThreads() throws InterruptedException {
    gateRelease.countDown();
    for (Thread t : threads) {
      t.join(10_000);
    }
  }

  /**
   * Commits write by write; the write named "gate" blocks until released, "bad" ones fail, both
   * alone and together.
   */
  private GroupCommit<W, String> commits(int maxBatch) {
    return commits(maxBatch, false);
  }

  private GroupCommit<W, String> commits(int maxBatch, boolean skipLastOfBatch) {
    return new GroupCommit<>(
        maxBatch,
        W::key,
        w -> {
          log.add("alone " + w.name() + " on " + Thread.currentThread().getName());
          if (w.name().equals("gate")) {
            gateEntered.countDown();
            try {
              gateRelease.await();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          }
          if (w.name().startsWith("bad")) {
            throw new IllegalArgumentException("cannot store " + w.name());
          }
          return "ok:" + w.name();
        },
        writes -> {
          List<String> names = new ArrayList<>();
          List<String> results = new ArrayList<>();
          for (W w : writes) {
            names.add(w.name());
            results.add("ok:" + w.name());
          }
          log.add("together " + names + " on " + Thread.currentThread().getName());
          if (names.stream().anyMatch(n -> n.startsWith("bad"))) {
            throw new IllegalArgumentException("batch failed");
          }
          if (skipLastOfBatch) {
            results.set(results.size() - 1, null);
          }
          return results;
        });
  }

  /** Submits from a new thread named {@code submit-<name>} and waits until it is queued. */
  private void queue(GroupCommit<W, String> commits, String key, String name) {
    Thread t = submitter(commits, key, name);
    // Waiting on its condition inside submit: queued (not merely waiting for the lock).
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                t.getState() == Thread.State.WAITING
                    && Arrays.stream(t.getStackTrace())
                        .anyMatch(
                            f ->
                                f.getMethodName().equals("submit")
                                    && f.getClassName().equals(GroupCommit.class.getName()))
                    && Arrays.stream(t.getStackTrace())
                        .anyMatch(f -> f.getMethodName().startsWith("await")));
  }

  private Thread submitter(GroupCommit<W, String> commits, String key, String name) {
    Thread t =
        new Thread(
            () -> {
              try {
                outcomes.put(name, commits.submit(new W(key, name)));
              } catch (RuntimeException e) {
                outcomes.put(name, e);
              }
            },
            "submit-" + name);
    threads.add(t);
    t.start();
    return t;
  }

  /** Starts the "gate" write, which holds the committer until {@link #release}. */
  private void holdCommitter(GroupCommit<W, String> commits) throws InterruptedException {
    submitter(commits, "gate", "gate");
    assertTrue(gateEntered.await(10, TimeUnit.SECONDS));
  }

  private void release() throws InterruptedException {
    gateRelease.countDown();
    for (Thread t : threads) {
      t.join(10_000);
    }
  }

  @Test
  void aWriteWithNothingRunningCommitsAloneOnItsCallersThreadAtOnce() {
    GroupCommit<W, String> commits = commits(8);
    assertEquals("ok:a", commits.submit(new W("k", "a")));
    assertEquals("ok:b", commits.submit(new W("k", "b")));
    String me = Thread.currentThread().getName();
    assertEquals(List.of("alone a on " + me, "alone b on " + me), log);
  }

  @Test
  void writesQueuedWhileACommitRunsAreCommittedTogetherByTheOldestCaller() throws Exception {
    GroupCommit<W, String> commits = commits(8);
    holdCommitter(commits);
    queue(commits, "x", "x1");
    queue(commits, "y", "y1");
    queue(commits, "z", "z1");
    release();
    assertEquals(List.of("alone gate on submit-gate", "together [x1, y1, z1] on submit-x1"), log);
    assertEquals(Map.of("gate", "ok:gate", "x1", "ok:x1", "y1", "ok:y1", "z1", "ok:z1"), outcomes);
  }

  @Test
  void writesOfOneKeyAreCommittedInTheOrderTheyCame() throws Exception {
    GroupCommit<W, String> commits = commits(8);
    holdCommitter(commits);
    queue(commits, "x", "x1");
    queue(commits, "x", "x2");
    queue(commits, "y", "y1");
    queue(commits, "x", "x3");
    release();
    // One write per key in a batch; the later ones of x keep their order across batches.
    assertEquals(
        List.of(
            "alone gate on submit-gate",
            "together [x1, y1] on submit-x1",
            "alone x2 on submit-x2",
            "alone x3 on submit-x3"),
        log);
    assertEquals("ok:x3", outcomes.get("x3"));
  }

  @Test
  void aFailingWriteFailsOnlyItsOwnCaller() throws Exception {
    GroupCommit<W, String> commits = commits(8);
    holdCommitter(commits);
    queue(commits, "a", "good1");
    queue(commits, "b", "bad");
    queue(commits, "c", "good2");
    release();
    // The batch failed as a whole and committed nothing; each write then ran alone, in order.
    assertEquals(
        List.of(
            "alone gate on submit-gate",
            "together [good1, bad, good2] on submit-good1",
            "alone good1 on submit-good1",
            "alone bad on submit-good1",
            "alone good2 on submit-good1"),
        log);
    assertEquals("ok:good1", outcomes.get("good1"));
    assertEquals("ok:good2", outcomes.get("good2"));
    IllegalArgumentException e =
        assertInstanceOf(IllegalArgumentException.class, outcomes.get("bad"));
    assertEquals("cannot store bad", e.getMessage());
  }

  @Test
  void aWriteTheBatchDidNotApplyRunsAloneAfterIt() throws Exception {
    GroupCommit<W, String> commits = commits(8, true);
    holdCommitter(commits);
    queue(commits, "a", "a1");
    queue(commits, "b", "b1");
    release();
    assertEquals(
        List.of(
            "alone gate on submit-gate", "together [a1, b1] on submit-a1", "alone b1 on submit-a1"),
        log);
    assertEquals(Map.of("gate", "ok:gate", "a1", "ok:a1", "b1", "ok:b1"), outcomes);
  }

  @Test
  void aBatchHoldsAtMostMaxBatchWrites() throws Exception {
    GroupCommit<W, String> commits = commits(2);
    holdCommitter(commits);
    queue(commits, "a", "a1");
    queue(commits, "b", "b1");
    queue(commits, "c", "c1");
    release();
    assertEquals(
        List.of(
            "alone gate on submit-gate", "together [a1, b1] on submit-a1", "alone c1 on submit-c1"),
        log);
    assertEquals("ok:c1", outcomes.get("c1"));
  }

  @Test
  void manyCallersAreCommittedOneBatchAtATimeAndEachKeysWritesFormOneChain() throws Exception {
    // A plain map: only the group commit's one-batch-at-a-time keeps it consistent.
    Map<String, Integer> counters = new HashMap<>();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger batches = new AtomicInteger();
    Function<W, Integer> apply =
        w -> counters.merge(w.key(), 1, Integer::sum) - 1; // the count it replaced
    GroupCommit<W, Integer> commits =
        new GroupCommit<>(
            8,
            W::key,
            w -> {
              if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              try {
                return apply.apply(w);
              } finally {
                inside.decrementAndGet();
              }
            },
            writes -> {
              if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              try {
                batches.incrementAndGet();
                List<Integer> olds = new ArrayList<>();
                for (W w : writes) {
                  olds.add(apply.apply(w));
                }
                return olds;
              } finally {
                inside.decrementAndGet();
              }
            });
    int callers = 16;
    int each = 400;
    int keys = 4;
    List<Future<Map<String, List<Integer>>>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
      for (int c = 0; c < callers; c++) {
        results.add(
            pool.submit(
                () -> {
                  Map<String, List<Integer>> seen = new HashMap<>();
                  for (int i = 0; i < each; i++) {
                    String key = "k" + (i % keys);
                    seen.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(commits.submit(new W(key, "w" + i)));
                  }
                  return seen;
                }));
      }
    }
    Map<String, List<Integer>> all = new HashMap<>();
    for (var f : results) {
      for (var e : f.get(30, TimeUnit.SECONDS).entrySet()) {
        // One caller's writes of a key are committed in its order: each replaced a higher count.
        List<Integer> mine = e.getValue();
        for (int i = 1; i < mine.size(); i++) {
          assertTrue(mine.get(i) > mine.get(i - 1), "order of " + e.getKey() + ": " + mine);
        }
        all.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(mine);
      }
    }
    assertEquals(0, overlaps.get(), "batches committed at the same time");
    int perKey = callers * each / keys;
    for (int k = 0; k < keys; k++) {
      List<Integer> olds = all.get("k" + k);
      Collections.sort(olds);
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < perKey; i++) {
        expected.add(i);
      }
      // Every write replaced a distinct count: none lost, none applied twice.
      assertEquals(expected, olds);
      assertEquals(perKey, counters.get("k" + k));
    }
    assertTrue(batches.get() > 0, "some writes were committed together");
  }
}

package dev.iii4j.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

  @Test
  void runsTasksOneAtATimeInSubmissionOrderAndSurvivesAFailingTask() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      SerialExecutor serial = new SerialExecutor(pool);
      List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch done = new CountDownLatch(1);
      for (int i = 0; i < 1000; i++) {
        int n = i;
        serial.execute(
            () -> {
              if (n == 500) {
                throw new IllegalStateException("task 500 fails");
              }
              seen.add(n);
            });
      }
      serial.execute(done::countDown);
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        if (i != 500) {
          expected.add(i);
        }
      }
      assertThat(seen).containsExactlyElementsOf(expected);
      assertThat(serial.backlog()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRejectedDrainIsThrownToTheCallerAndDropsTheWaitingTasks() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    pool.shutdown();
    SerialExecutor serial = new SerialExecutor(pool);
    assertThatThrownBy(() -> serial.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(serial.backlog()).isZero();
  }
}

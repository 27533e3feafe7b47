package dev.iii4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.WorkerOptions;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Java SDK workers of the harness. */
final class Workers {
  private Workers() {}

  /** A started worker (waits for {@code workerregistered}). */
  static EngineWorker started(URI url, String name) throws Exception {
    EngineWorker worker = create(url, name);
    worker.start().get(60, TimeUnit.SECONDS);
    return worker;
  }

  /** A worker not started yet, so functions can be registered before it connects. */
  static EngineWorker create(URI url, String name) {
    return EngineWorker.create(
        WorkerOptions.builder(url)
            .workerName(name)
            .invocationTimeout(Load.OP_TIMEOUT)
            .reconnectInitialDelay(Duration.ofMillis(100))
            .reconnectMaxDelay(Duration.ofSeconds(1))
            .build());
  }

  /** Calls {@code functionId} until it answers (it may not be registered yet), for a minute. */
  static JsonNode awaitCallable(EngineWorker caller, String functionId, JsonNode data)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        return caller.call(functionId, data).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        last = e;
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(functionId + " did not become callable: " + last, last);
  }
}

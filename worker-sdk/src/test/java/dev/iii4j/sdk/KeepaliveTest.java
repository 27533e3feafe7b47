package dev.iii4j.sdk;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** WebSocket Ping every interval; reconnect when nothing at all arrives for the idle timeout. */
class KeepaliveTest {

  @Test
  void pingsWhileOpenAndReconnectsWhenTheEngineFallsSilent() throws Exception {
    try (TestEngine engine = new TestEngine();
        WorkerRuntime worker =
            new WorkerRuntime(
                WorkerOptions.builder(engine.uri())
                    .reconnectInitialDelay(Duration.ofMillis(20))
                    .reconnectMaxDelay(Duration.ofMillis(50))
                    .build(),
                new WorkerRuntime.Timings(
                    Duration.ofMillis(100), Duration.ofMillis(600), Duration.ofSeconds(2)))) {
      worker.start().get(10, SECONDS);
      TestEngine.Peer first = engine.peer(0);
      await().atMost(10, SECONDS).until(() -> first.pingsReceived.get() >= 3);
      // Pongs count as traffic, so the connection stays.
      await().during(Duration.ofSeconds(1)).atMost(5, SECONDS).until(() -> engine.peerCount() == 1);

      first.answerPings = false;
      TestEngine.Peer second = engine.peer(1);
      assertThat(second).isNotSameAs(first);
      await()
          .atMost(10, SECONDS)
          .until(() -> second.frames.stream().anyMatch(f -> f.contains("reattach")));
    }
  }
}

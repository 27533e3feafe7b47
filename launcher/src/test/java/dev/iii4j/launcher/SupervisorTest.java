package dev.iii4j.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.process.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher keeps the stack up when one child dies; only stopAll stops everything. */
class SupervisorTest {
  @TempDir Path logs;

  private ChildProcess sleeper(String name) throws IOException {
    return ChildProcess.start(name, List.of("sleep", "300"), Map.of(), logs.resolve(name + ".log"));
  }

  @Test
  void aKilledChildIsReportedAndRestartedWhileTheOthersKeepRunning() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Supervisor supervisor = new Supervisor(new PrintStream(printed, true, StandardCharsets.UTF_8));
    ChildProcess replica1 = sleeper("queue-service-1");
    ChildProcess replica2 = sleeper("queue-service-2");
    supervisor.add("queue-service-1", replica1, () -> sleeper("queue-service-1"), c -> {});
    supervisor.add("queue-service-2", replica2, () -> sleeper("queue-service-2"), c -> {});
    try {
      replica1.process().destroyForcibly().waitFor();

      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                supervisor.check();
                return supervisor.restarts("queue-service-1") == 1;
              });
      ChildProcess restarted = supervisor.children().get(0);
      assertThat(restarted.pid()).isNotEqualTo(replica1.pid());
      assertThat(restarted.alive()).isTrue();
      assertThat(supervisor.children().get(1)).isSameAs(replica2);
      assertThat(replica2.alive()).isTrue();
      assertThat(supervisor.restarts("queue-service-2")).isZero();
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("queue-service-1 (pid " + replica1.pid() + ") exited with 137")
          .contains("restarting in 1000 ms")
          .contains("restarted queue-service-1");
    } finally {
      supervisor.stopAll(Duration.ofSeconds(5));
    }
    assertThat(supervisor.children()).isEmpty();
    assertThat(replica2.alive()).isFalse();
  }

  @Test
  void repeatedCrashesBackOff() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Supervisor supervisor = new Supervisor(new PrintStream(printed, true, StandardCharsets.UTF_8));
    Path script = logs.resolve("crash.sh");
    Files.writeString(script, "exit 3\n");
    Supervisor.Starter crashing =
        () ->
            ChildProcess.start(
                "crasher", List.of("sh", script.toString()), Map.of(), logs.resolve("c.log"));
    ChildProcess first = crashing.start();
    supervisor.add("crasher", first, crashing, c -> {});
    try {
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                supervisor.check();
                return supervisor.restarts("crasher") >= 2;
              });
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("exited with 3; restarting in 1000 ms")
          .contains("exited with 3; restarting in 2000 ms");
    } finally {
      supervisor.stopAll(Duration.ofSeconds(5));
    }
  }
}

package dev.iii4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes (sh): log file, readiness waits, stop with grace then kill. */
class ChildProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private ChildProcess sh(String name, String script) throws Exception {
    return ChildProcess.start(
        name, List.of("sh", "-c", script), Map.of("GREETING", "hello"), dir.resolve(name + ".log"));
  }

  @Test
  void theOutputGoesToTheLogWhereALineIsAwaited() throws Exception {
    try (ChildProcess child = sh("printer", "echo $GREETING; echo READY 42 >&2; sleep 300")) {
      String port = child.awaitLine(Pattern.compile("^READY (\\d+)$"), WAIT).group(1);

      assertThat(port).isEqualTo("42");
      assertThat(child.lines()).contains("hello");
      assertThat(child.alive()).isTrue();
    }
  }

  @Test
  void aRestartAppendsToTheSameLog() throws Exception {
    sh("again", "echo first").awaitExit(WAIT);
    List<String> lines = sh("again", "echo second").awaitExit(WAIT);

    assertThat(lines).containsExactly("first", "second");
  }

  @Test
  void aFailedExitIsAnErrorWithTheLogsTail() throws Exception {
    ChildProcess child = sh("failing", "echo something broke; exit 3");

    assertThatThrownBy(() -> child.awaitExit(WAIT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failing exited with 3")
        .hasMessageContaining("    | something broke");
  }

  @Test
  void waitingForHttpFailsEarlyWhenTheChildDies() throws Exception {
    ChildProcess child = sh("dying", "echo no config; exit 2");
    long started = System.nanoTime();

    assertThatThrownBy(() -> child.awaitHttp200("http://127.0.0.1:9/health", WAIT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dying exited with 2")
        .hasMessageContaining("    | no config");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WAIT);
  }

  @Test
  void waitingForHttpReturnsOnceItAnswers200() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/health",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try (ChildProcess child = sh("serving", "sleep 300")) {
      double millis =
          child.awaitHttp200("http://127.0.0.1:" + server.getAddress().getPort() + "/health", WAIT);

      assertThat(millis).isPositive();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void closingStandardInputEndsAChildThatWatchesIt() throws Exception {
    ChildProcess child = sh("watcher", "cat > /dev/null; echo stdin closed");

    child.closeStdin();

    assertThat(child.awaitExit(WAIT)).containsExactly("stdin closed");
  }

  @Test
  void aChildThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
    ChildProcess child = sh("stubborn", "trap '' TERM; echo READY; while true; do sleep 1; done");
    child.awaitLine(Pattern.compile("^READY$"), WAIT);
    Duration grace = Duration.ofMillis(500);
    long started = System.nanoTime();

    child.stop(grace);

    assertThat(child.alive()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(grace);
    assertThat(Files.exists(child.log())).isTrue();
  }

  @Test
  void aChildThatStopsOnSigtermIsNotKilled() throws Exception {
    ChildProcess child =
        sh("polite", "trap 'exit 0' TERM; echo READY; while true; do sleep 1; done");
    child.awaitLine(Pattern.compile("^READY$"), WAIT);

    child.stop(Duration.ofSeconds(20));

    assertThat(child.alive()).isFalse();
    assertThat(child.process().exitValue()).isZero();
  }
}

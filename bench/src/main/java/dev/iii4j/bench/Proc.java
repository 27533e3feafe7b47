package dev.iii4j.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process of the harness, its output in a log file. Its standard input stays open as a
 * pipe: the harness's own children (infra, floor server, Node) exit when it closes. Stopped with
 * SIGTERM, then SIGKILL.
 */
final class Proc implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path log;
  private final long launchedNanos;

  private Proc(String name, Process process, Path log, long launchedNanos) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.launchedNanos = launchedNanos;
  }

  static Proc start(String name, List<String> command, Map<String, String> env, Path logDir) {
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      Files.deleteIfExists(log);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      long launched = System.nanoTime();
      return new Proc(name, builder.start(), log, launched);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  /** A free loopback port (closed again; a race with another process is unlikely here). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean alive() {
    return process.isAlive();
  }

  long launchedNanos() {
    return launchedNanos;
  }

  /**
   * Waits until {@code url} answers 200 and returns the milliseconds since launch; fails early when
   * the process dies.
   */
  double awaitHttp200(String url, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      requireAlive();
      try {
        HttpResponse<Void> response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return (System.nanoTime() - launchedNanos) / 1e6;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      pause(25);
    }
    throw new IllegalStateException(
        name + " was not ready within " + timeout + "; see " + log + "\n" + tail(30));
  }

  /** Waits until a line of the log matches and returns the match. */
  Matcher awaitLine(Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : lines()) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      requireAlive();
      pause(25);
    }
    throw new IllegalStateException(
        name + " printed no line matching " + pattern + " within " + timeout + "\n" + tail(30));
  }

  /** Waits for the process to exit with 0 and returns its output lines. */
  List<String> awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new IllegalStateException(
            name + " did not finish within " + timeout + "\n" + tail(30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          name + " exited with " + process.exitValue() + "; see " + log + "\n" + tail(30));
    }
    return lines();
  }

  private void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with " + process.exitValue() + "; see " + log + "\n" + tail(30));
    }
  }

  List<String> lines() {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  String tail(int count) {
    List<String> all = lines();
    List<String> out = new ArrayList<>();
    for (String line : all.subList(Math.max(0, all.size() - count), all.size())) {
      out.add("    | " + line);
    }
    return String.join("\n", out);
  }

  /** Resident set size from /proc, in bytes (0 where /proc is missing). */
  long rssBytes() {
    return Machine.rssBytes(process.pid());
  }

  /** Runs {@code jcmd <pid> args...} and returns its output. */
  String jcmd(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    command.add(Long.toString(process.pid()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(60, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Closes the child's standard input (the harness's own children exit on it). */
  void closeStdin() {
    try {
      OutputStream in = process.getOutputStream();
      in.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    closeStdin();
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

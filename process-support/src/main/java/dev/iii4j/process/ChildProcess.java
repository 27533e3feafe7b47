package dev.iii4j.process;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A child process whose output (standard output and error) goes to a log file. Its standard input
 * stays open as a pipe, so a child that watches it can exit when the parent closes it. Readiness is
 * waited for by an HTTP 200 or a line in the log, failing early with the log's tail when the child
 * dies; it is stopped with SIGTERM, a grace period, then SIGKILL for it and its descendants.
 */
public final class ChildProcess implements AutoCloseable {
  /** How long {@link #close()} lets the child stop by itself before killing it. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(20);

  private static final Duration POLL = Duration.ofMillis(25);
  private static final int TAIL_LINES = 30;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path log;
  private final long launchedNanos;

  private ChildProcess(String name, Process process, Path log, long launchedNanos) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.launchedNanos = launchedNanos;
  }

  /**
   * Starts {@code command} with {@code env} added to this process's environment, its output
   * appended to {@code log} (whose folder is created when missing).
   */
  public static ChildProcess start(
      String name, List<String> command, Map<String, String> env, Path log) throws IOException {
    Path folder = log.toAbsolutePath().getParent();
    if (folder != null) {
      Files.createDirectories(folder);
    }
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    long launched = System.nanoTime();
    return new ChildProcess(name, builder.start(), log, launched);
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  public Process process() {
    return process;
  }

  /** {@link System#nanoTime()} when the child was launched. */
  public long launchedNanos() {
    return launchedNanos;
  }

  /**
   * Waits until {@code url} answers 200 and returns the milliseconds since launch; fails early
   * (with the log's tail) when the child exits.
   */
  public double awaitHttp200(String url, Duration timeout) {
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
        throw interrupted(e);
      }
      pause();
    }
    throw new IllegalStateException(
        name + " was not ready within " + timeout + "; see " + log + "\n" + tail(TAIL_LINES));
  }

  /** Waits until a line of the log matches {@code pattern} and returns the match. */
  public Matcher awaitLine(Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : lines()) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      requireAlive();
      pause();
    }
    throw new IllegalStateException(
        name
            + " printed no line matching "
            + pattern
            + " within "
            + timeout
            + "\n"
            + tail(TAIL_LINES));
  }

  /**
   * Waits for the child to exit with 0 and returns its output lines; stops it and fails when it
   * takes longer than {@code timeout}, fails when it exits with another status.
   */
  public List<String> awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new IllegalStateException(
            name + " did not finish within " + timeout + "\n" + tail(TAIL_LINES));
      }
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
    if (process.exitValue() != 0) {
      throw exited();
    }
    return lines();
  }

  /** The log's lines so far (none when it cannot be read). */
  public List<String> lines() {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  /** The last {@code count} lines of the log, indented, for an error message. */
  public String tail(int count) {
    return tail(log, count);
  }

  /** The last {@code count} lines of a log file, indented, for an error message. */
  public static String tail(Path log, int count) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return all.subList(Math.max(0, all.size() - count), all.size()).stream()
          .map(line -> "    | " + line)
          .collect(Collectors.joining("\n"));
    } catch (IOException | UncheckedIOException e) {
      return "    (could not read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Closes the child's standard input (children that watch it exit on it). */
  public void closeStdin() {
    try {
      OutputStream in = process.getOutputStream();
      in.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  /**
   * Stops the child: closes its standard input, asks it to stop (SIGTERM), waits up to {@code
   * grace}, then kills it and its descendants (SIGKILL).
   */
  public void stop(Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    closeStdin();
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** {@link #stop(Duration)} with {@link #DEFAULT_GRACE}. */
  @Override
  public void close() {
    stop(DEFAULT_GRACE);
  }

  private void requireAlive() {
    if (!process.isAlive()) {
      throw exited();
    }
  }

  private IllegalStateException exited() {
    return new IllegalStateException(
        name + " exited with " + process.exitValue() + "; see " + log + "\n" + tail(TAIL_LINES));
  }

  private static IllegalStateException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    return new IllegalStateException("interrupted", e);
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
  }
}

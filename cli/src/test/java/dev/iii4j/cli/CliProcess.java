package dev.iii4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the real {@code iii} process: a {@code java} child with the module's classes and its runtime
 * class path ({@code target/classpath.txt}, the one {@code bin/iii} uses), the environment given,
 * and standard input from a string. Tests assert on its exit code, stdout and stderr.
 */
final class CliProcess {
  private static final AtomicInteger RUNS = new AtomicInteger();

  /** What one run printed and returned. */
  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private final Map<String, String> env = new HashMap<>();
  private String stdin = "";

  private CliProcess() {}

  /** A run against the engine at {@code url} (as {@code III_URL}), without a service token. */
  static CliProcess against(URI url) {
    CliProcess process = new CliProcess();
    process.env.put("III_URL", url.toString());
    return process;
  }

  /** Sets an environment variable of the child. */
  CliProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Text written to the child's standard input, which is then closed. */
  CliProcess stdin(String text) {
    this.stdin = text;
    return this;
  }

  /** Runs {@code iii <args>} and waits for it (at most one minute). */
  Result run(String... args) {
    Path dir = Path.of("target", "cli-runs");
    int n = RUNS.incrementAndGet();
    try {
      Files.createDirectories(dir);
      File out = dir.resolve(n + ".out").toFile();
      File err = dir.resolve(n + ".err").toFile();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      // The JVM flags bin/iii uses for a short-lived process.
      command.add("-XX:TieredStopAtLevel=1");
      command.add("-XX:+UseSerialGC");
      command.add("-cp");
      command.add(classPath());
      command.add(Iii.class.getName());
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out).redirectError(err);
      // What the developer's shell has must not leak into the run.
      builder.environment().remove("III_URL");
      builder.environment().remove("III_SERVICE_TOKEN");
      builder.environment().putAll(env);
      Process process = builder.start();
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("iii " + String.join(" ", args) + " did not end within 60 s");
      }
      return new Result(
          process.exitValue(),
          Files.readString(out.toPath(), StandardCharsets.UTF_8),
          Files.readString(err.toPath(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String classPath() throws IOException {
    String classes = System.getProperty("cli.classes");
    String file = System.getProperty("cli.classpath.file");
    assertThat(classes).as("system property cli.classes (set by the cli pom)").isNotNull();
    assertThat(file).as("system property cli.classpath.file (set by the cli pom)").isNotNull();
    return classes + File.pathSeparator + Files.readString(Path.of(file)).trim();
  }
}

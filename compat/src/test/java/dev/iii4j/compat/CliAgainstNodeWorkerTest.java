package dev.iii4j.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.testing.GatewayHarness;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code iii} command line (module {@code cli}, run as its own process) against a function of a
 * Node worker: the official {@code iii-sdk@0.22.1} running {@code node/cli-worker.mjs}. The CLI
 * must reach it through the gateway exactly as it reaches a Java function, and show the schemas the
 * Node SDK registered.
 */
class CliAgainstNodeWorkerTest {
  private static final String FUNCTION =
      "compat::node-cli::greet-" + UUID.randomUUID().toString().substring(0, 8);

  private static GatewayHarness gateway;
  private static Process nodeWorker;

  @BeforeAll
  static void startGatewayAndNodeWorker() throws Exception {
    gateway = GatewayHarness.start();
    Path nodeDir = Path.of(System.getProperty("compat.node.dir", "node"));
    NodeModules.install(nodeDir);
    ProcessBuilder builder =
        new ProcessBuilder("node", "cli-worker.mjs")
            .directory(nodeDir.toFile())
            .redirectErrorStream(true);
    builder.environment().put("III_URL", gateway.url().toString());
    builder.environment().put("CLI_NODE_FUNCTION", FUNCTION);
    nodeWorker = builder.start();
    BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(nodeWorker.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<List<String>> ready =
        CompletableFuture.supplyAsync(
            () -> {
              List<String> seen = new ArrayList<>();
              try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  seen.add(line);
                  if (line.equals("ready " + FUNCTION)) {
                    return seen;
                  }
                }
              } catch (IOException e) {
                seen.add(e.toString());
              }
              throw new IllegalStateException("the Node worker ended:\n" + String.join("\n", seen));
            });
    ready.get(60, TimeUnit.SECONDS);
    // Keep draining its output (SDK debug lines) so the pipe never fills.
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                while (lines.readLine() != null) {
                  // discard
                }
              } catch (IOException ignored) {
                // the worker ended
              }
            });
  }

  @AfterAll
  static void stop() throws Exception {
    if (nodeWorker != null) {
      nodeWorker.getOutputStream().close();
      if (!nodeWorker.waitFor(10, TimeUnit.SECONDS)) {
        nodeWorker.destroyForcibly().waitFor();
      }
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void triggerReachesTheNodeFunction() throws Exception {
    Result r = iii("trigger", FUNCTION, "{\"name\":\"Ada – Ада\"}");

    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.stdout)
        .isEqualTo(
            """
            {
              "greeting": "Hello, Ada – Ада!",
              "lang": "node"
            }
            """);
  }

  @Test
  void aThrowingNodeHandlerIsAFailureWithItsCode() throws Exception {
    Result r = iii("trigger", FUNCTION, "{}");

    assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
    assertThat(r.stderr)
        .startsWith("Error: {\n  \"code\": \"invocation_failed\",\n")
        .contains("name is required")
        .contains("\"stacktrace\": ");
  }

  @Test
  void keyValuePairsReachTheNodeFunctionAsTheReferenceCliSendsThem() throws Exception {
    Result r = iii("trigger", FUNCTION, "name=Ada");

    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.stdout).contains("\"greeting\": \"Hello, Ada!\"");
  }

  @Test
  void helpShowsTheSchemaTheNodeSdkRegistered() throws Exception {
    Result r = iii("trigger", FUNCTION, "--help");

    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.stdout)
        .startsWith(FUNCTION + "  (worker: cli-node-worker)\n  Greets from Node\n")
        .contains(
            """
            Request schema:
            {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string",
                  "description": "who to greet"
                }
              },
              "required": [
                "name"
              ]
            }
            """);
  }

  @Test
  void theNodeWorkerIsListed() throws Exception {
    Result r = iii("workers");

    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.stdout.lines())
        .anySatisfy(line -> assertThat(line).startsWith("cli-node-worker ").contains(" node "));
  }

  private record Result(int exitCode, String stdout, String stderr) {}

  /** Runs the CLI as its own process: the cli module's classes and runtime class path. */
  private static Result iii(String... args) throws Exception {
    Path classes = Path.of(System.getProperty("cli.classes", "../cli/target/classes"));
    Path classpathFile =
        Path.of(System.getProperty("cli.classpath.file", "../cli/target/classpath.txt"));
    assertThat(classpathFile)
        .as("the cli module is built first (./mvnw install -pl cli -am)")
        .exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(classes + File.pathSeparator + Files.readString(classpathFile).trim());
    command.add("dev.iii4j.cli.Iii");
    command.addAll(List.of(args));
    Path dir = Files.createDirectories(Path.of("target", "cli-runs"));
    Path out = Files.createTempFile(dir, "iii", ".out");
    Path err = Files.createTempFile(dir, "iii", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("III_SERVICE_TOKEN");
    builder.environment().put("III_URL", gateway.url().toString());
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("iii " + String.join(" ", args) + " did not end within 60 s");
    }
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}

package dev.iii4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.process.ChildProcess;
import dev.iii4j.testing.GatewayHarness;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: the SDK works in a plain {@code java} program with no Micronaut. {@link HelloWorker}
 * runs as its own process, with a classpath of this module's classes, the SDK jar and the SDK's
 * declared runtime dependencies only ({@code target/sdk-classpath.txt}, written by the dependency
 * plugin for the runtime scope), against a real gateway.
 */
class PlainJavaWorkerTest {

  @Test
  void aPlainJavaProgramRegistersAndCallsAFunctionWithoutMicronaut() throws Exception {
    List<String> classpath = new ArrayList<>();
    classpath.add(Path.of("target", "classes").toAbsolutePath().toString());
    String runtime =
        Files.readString(Path.of("target", "sdk-classpath.txt"), StandardCharsets.UTF_8).trim();
    classpath.addAll(Arrays.asList(runtime.split(File.pathSeparator)));
    assertThat(classpath)
        .as("the child's classpath")
        .anyMatch(entry -> entry.contains("worker-sdk"))
        .noneMatch(entry -> entry.contains("micronaut"));

    String java = ProcessHandle.current().info().command().orElse("java");
    try (GatewayHarness gateway = GatewayHarness.start();
        ChildProcess child =
            ChildProcess.start(
                "hello-java",
                List.of(
                    java,
                    "-cp",
                    String.join(File.pathSeparator, classpath),
                    HelloWorker.class.getName(),
                    gateway.url().toString()),
                Map.of(),
                Path.of("target", "hello-java.log"))) {
      List<String> output = child.awaitExit(Duration.ofSeconds(60));
      assertThat(output)
          .contains("Hello, Ada!")
          .contains("error bad_request: `name` must be a string")
          .contains("micronaut on classpath: false");
    }
  }
}

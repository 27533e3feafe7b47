package dev.iii4j.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Installs the Node suite's dependencies ({@code npm ci}) when they are missing. */
final class NodeModules {
  private NodeModules() {}

  /**
   * Runs {@code npm ci} in {@code nodeDir} unless {@code node_modules/iii-sdk} is there already.
   *
   * @throws IllegalStateException when npm is missing or fails
   */
  static synchronized void install(Path nodeDir) throws IOException, InterruptedException {
    if (Files.exists(nodeDir.resolve("node_modules/iii-sdk/package.json"))) {
      return;
    }
    Path log = Files.createTempFile("npm-ci", ".log");
    Process npm;
    try {
      npm =
          new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
              .directory(nodeDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run npm: Node.js 20+ and npm are needed for the compatibility tests"
              + " (skip them with -DskipCompat=true)",
          e);
    }
    if (!npm.waitFor(4, TimeUnit.MINUTES)) {
      npm.destroyForcibly().waitFor();
    }
    if (npm.exitValue() != 0) {
      throw new IllegalStateException(
          "npm ci in " + nodeDir + " failed:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
  }
}

package dev.iii4j.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * Whether Testcontainers may be used: asked once per JVM, never failing and never hanging.
 *
 * <p>An engine that answers is not enough: where no image registry is reachable (a machine that
 * runs a private Docker engine to prove the compose file, say) pulling {@code postgres}, {@code
 * apache/kafka} or Testcontainers' own {@code ryuk} image would fail every test. So a fixture uses
 * Testcontainers only when the images it needs are already present locally ({@link
 * #usable(String)}), and falls back to its embedded server otherwise.
 */
final class Docker {
  /** Set to {@code false} to skip Testcontainers even where a Docker engine answers. */
  static final String ENABLED_ENV = "ENGINE_TEST_DOCKER";

  private static final Logger LOG = LoggerFactory.getLogger(Docker.class);
  private static final long CHECK_TIMEOUT_SECONDS = 30;
  private static final Object LOCK = new Object();
  private static Boolean available;

  private Docker() {}

  static boolean available() {
    synchronized (LOCK) {
      if (available == null) {
        available = check();
      }
      return available;
    }
  }

  /**
   * Whether a fixture may start {@code image} under Testcontainers: an engine answers and the image
   * (and Ryuk's, unless {@code TESTCONTAINERS_RYUK_DISABLED=true}) is present locally.
   */
  static boolean usable(String image) {
    if (!available()) {
      return false;
    }
    List<String> needed = new ArrayList<>(List.of(image));
    if (!"true".equalsIgnoreCase(String.valueOf(System.getenv("TESTCONTAINERS_RYUK_DISABLED")))) {
      needed.add(TestcontainersConfiguration.getInstance().getRyukImage());
    }
    return usable(true, Docker::presentLocally, needed);
  }

  /**
   * The rule behind {@link #usable(String)}: an engine answers and every image needed is present.
   */
  static boolean usable(boolean engineAnswers, Predicate<String> present, List<String> images) {
    if (!engineAnswers) {
      return false;
    }
    for (String image : images) {
      if (!present.test(image)) {
        LOG.info(
            "Docker engine answers but image {} is not present locally; using embedded servers"
                + " (pull it first to use Testcontainers)",
            image);
        return false;
      }
    }
    return true;
  }

  private static boolean presentLocally(String image) {
    try {
      DockerClientFactory.lazyClient().inspectImageCmd(image).exec();
      return true;
    } catch (RuntimeException e) {
      // NotFoundException when absent; any other failure also means "do not rely on it".
      return false;
    }
  }

  private static boolean check() {
    String enabled = System.getenv(ENABLED_ENV);
    if (enabled != null && enabled.trim().toLowerCase(Locale.ROOT).equals("false")) {
      LOG.info("{}=false: not asking for a Docker engine", ENABLED_ENV);
      return false;
    }
    // The check runs on its own daemon thread so that a Docker socket that never answers cannot
    // hold up the tests; the thread is abandoned after the timeout.
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    Thread probe =
        new Thread(
            () -> {
              try {
                answer.complete(DockerClientFactory.instance().isDockerAvailable());
              } catch (Throwable t) {
                answer.completeExceptionally(t);
              }
            },
            "engine-test-docker-probe");
    probe.setDaemon(true);
    probe.start();
    try {
      boolean result = answer.get(CHECK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      LOG.info("Docker engine available: {}", result);
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      LOG.info("No usable Docker engine ({}); using embedded servers", e.toString());
      return false;
    }
  }
}

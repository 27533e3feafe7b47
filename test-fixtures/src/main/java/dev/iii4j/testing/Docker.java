package dev.iii4j.testing;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/** Whether Testcontainers may be used: asked once per JVM, never failing and never hanging. */
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

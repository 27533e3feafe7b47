package dev.iii4j.queue;

import dev.iii4j.service.ServiceApplication;
import io.micronaut.context.ApplicationContextBuilder;

/** Starts the queue service. */
public final class Application {
  /**
   * The Micronaut environment of this service. Its beans and its {@code
   * application-queue-service.yml} are active only there, so other services' contexts that have
   * this jar on their classpath (tests, the compatibility suite) do not start a queue.
   */
  public static final String ENVIRONMENT = "queue-service";

  private Application() {}

  /**
   * The builder {@link #main} starts: this service's environment added to any that {@code
   * MICRONAUT_ENVIRONMENTS} names (see {@link ServiceApplication}).
   */
  public static ApplicationContextBuilder builder(String... args) {
    return ServiceApplication.builder(Application.class, ENVIRONMENT, args);
  }

  /** Entry point. */
  public static void main(String[] args) {
    builder(args).start();
  }
}

package dev.iii4j.queue;

import io.micronaut.runtime.Micronaut;

/** Starts the queue service. */
public final class Application {
  /**
   * The Micronaut environment of this service. Its beans and its {@code
   * application-queue-service.yml} are active only there, so other services' contexts that have
   * this jar on their classpath (tests, the compatibility suite) do not start a queue.
   */
  public static final String ENVIRONMENT = "queue-service";

  private Application() {}

  /** Entry point. */
  public static void main(String[] args) {
    Micronaut.build(args)
        .mainClass(Application.class)
        .environments(ENVIRONMENT)
        .banner(false)
        .start();
  }
}

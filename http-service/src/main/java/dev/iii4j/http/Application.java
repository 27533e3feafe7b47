package dev.iii4j.http;

import io.micronaut.runtime.Micronaut;

/** Starts the http service. */
public final class Application {
  /**
   * The Micronaut environment of this service. Its beans and its {@code
   * application-http-service.yml} are active only there, so other services' contexts that have this
   * jar on their classpath (tests, the compatibility suite) do not start an HTTP API.
   */
  public static final String ENVIRONMENT = "http-service";

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

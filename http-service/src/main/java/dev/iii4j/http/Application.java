package dev.iii4j.http;

import dev.iii4j.service.ServiceApplication;
import io.micronaut.context.ApplicationContextBuilder;

/** Starts the http service. */
public final class Application {
  /**
   * The Micronaut environment of this service. Its beans and its {@code
   * application-http-service.yml} are active only there, so other services' contexts that have this
   * jar on their classpath (tests, the compatibility suite) do not start an HTTP API.
   */
  public static final String ENVIRONMENT = "http-service";

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

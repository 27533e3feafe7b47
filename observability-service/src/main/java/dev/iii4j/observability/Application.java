package dev.iii4j.observability;

import dev.iii4j.service.ServiceApplication;
import io.micronaut.context.ApplicationContextBuilder;

/** Starts the observability service. */
public final class Application {
  /** The Micronaut environment of this service (its YAML and beans). */
  public static final String ENVIRONMENT = "observability-service";

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

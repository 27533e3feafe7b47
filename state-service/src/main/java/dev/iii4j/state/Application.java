package dev.iii4j.state;

import dev.iii4j.service.ServiceApplication;
import io.micronaut.context.ApplicationContextBuilder;

/** Starts the state service. */
public final class Application {
  private Application() {}

  /**
   * The builder {@link #main} starts: this service's environment added to any that {@code
   * MICRONAUT_ENVIRONMENTS} names (see {@link ServiceApplication}).
   */
  public static ApplicationContextBuilder builder(String... args) {
    return ServiceApplication.builder(Application.class, StateService.ENVIRONMENT, args);
  }

  /** Entry point. */
  public static void main(String[] args) {
    builder(args).start();
  }
}

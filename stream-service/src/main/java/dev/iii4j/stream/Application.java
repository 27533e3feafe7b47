package dev.iii4j.stream;

import dev.iii4j.service.ServiceApplication;
import io.micronaut.context.ApplicationContextBuilder;

/** Starts the stream service. */
public final class Application {
  private Application() {}

  /**
   * The builder {@link #main} starts: this service's environment added to any that {@code
   * MICRONAUT_ENVIRONMENTS} names (see {@link ServiceApplication}).
   */
  public static ApplicationContextBuilder builder(String... args) {
    return ServiceApplication.builder(Application.class, StreamService.ENVIRONMENT, args);
  }

  /** Entry point. */
  public static void main(String[] args) {
    builder(args).start();
  }
}

package dev.iii4j.stream;

import io.micronaut.runtime.Micronaut;

/** Starts the stream service. */
public final class Application {
  private Application() {}

  /** Entry point. */
  public static void main(String[] args) {
    Micronaut.build(args)
        .mainClass(Application.class)
        .defaultEnvironments(StreamService.ENVIRONMENT)
        .banner(false)
        .start();
  }
}

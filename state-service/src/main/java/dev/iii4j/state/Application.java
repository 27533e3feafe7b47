package dev.iii4j.state;

import io.micronaut.runtime.Micronaut;

/** Starts the state service. */
public final class Application {
  private Application() {}

  /** Entry point. */
  public static void main(String[] args) {
    Micronaut.build(args)
        .mainClass(Application.class)
        .defaultEnvironments(StateService.ENVIRONMENT)
        .banner(false)
        .start();
  }
}

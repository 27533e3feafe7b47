package dev.iii4j.gateway;

import io.micronaut.runtime.Micronaut;

/** Starts the engine gateway. */
public final class Application {
  private Application() {}

  /** Entry point. */
  public static void main(String[] args) {
    Micronaut.build(args).mainClass(Application.class).banner(false).start();
  }
}

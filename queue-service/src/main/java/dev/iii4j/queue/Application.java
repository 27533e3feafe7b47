package dev.iii4j.queue;

import io.micronaut.runtime.Micronaut;

/** Starts the queue service. */
public final class Application {
  private Application() {}

  /** Entry point. */
  public static void main(String[] args) {
    Micronaut.build(args).mainClass(Application.class).banner(false).start();
  }
}

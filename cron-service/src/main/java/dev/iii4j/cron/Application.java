package dev.iii4j.cron;

import io.micronaut.runtime.Micronaut;

/** Starts the cron service. */
public final class Application {
  private Application() {}

  /** Entry point. */
  public static void main(String[] args) {
    Micronaut.build(args)
        .mainClass(Application.class)
        .defaultEnvironments(CronScheduler.ENVIRONMENT)
        .banner(false)
        .start();
  }
}

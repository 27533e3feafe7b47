package dev.iii4j.service;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.runtime.Micronaut;

/**
 * How a built-in service activates its Micronaut environment: the one place that decides it, for
 * the services' entry points and for tests that start a service in their JVM.
 *
 * <p>Each service keeps its beans and its {@code application-<service>.yml} in an environment named
 * after it, so that a JVM that holds several services' jars (tests, the compatibility suite) keeps
 * them apart. That environment is always <em>added</em> ({@code environments(...)}), never offered
 * as a default: Micronaut applies default environments only when no other environment is named or
 * deduced, so {@code MICRONAUT_ENVIRONMENTS=prod} (or a deduced cloud environment) would otherwise
 * silently drop the service's configuration and beans.
 */
public final class ServiceApplication {
  private ServiceApplication() {}

  /**
   * The builder of a service's process: its environment added to any others, no banner. Call {@code
   * start()} on it in {@code main}.
   */
  public static ApplicationContextBuilder builder(
      Class<?> mainClass, String environment, String... args) {
    return Micronaut.build(args).mainClass(mainClass).banner(false).environments(environment);
  }

  /** A context builder for a service started inside another program (tests): the same rule. */
  public static ApplicationContextBuilder context(String environment) {
    return ApplicationContext.builder().environments(environment);
  }
}

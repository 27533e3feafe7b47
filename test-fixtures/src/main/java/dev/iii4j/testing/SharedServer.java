package dev.iii4j.testing;

import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.testcontainers.containers.GenericContainer;

/**
 * What {@link PostgresFixture} and {@link KafkaFixture} share: the one server per JVM behind their
 * {@code instance()}, started on the first {@link #get()}; the choice among the three {@link
 * FixtureSource}s; reading their environment variables; and stopping a started container with the
 * JVM.
 *
 * <p>Thread safety: callers racing on the first {@link #get()} wait for the one start; a start that
 * throws leaves nothing behind, and the next call tries again.
 *
 * @param <F> the fixture
 */
final class SharedServer<F> {
  private final Supplier<F> start;
  private F instance;

  /** A server that {@code start} makes on the first {@link #get()}. */
  SharedServer(Supplier<F> start) {
    this.start = start;
  }

  /** Returns this JVM's server, starting it on the first call. */
  synchronized F get() {
    if (instance == null) {
      instance = start.get();
    }
    return instance;
  }

  /**
   * Starts a fixture: {@code fromEnvironment} when it is not null, otherwise {@code container} when
   * Docker can run {@code image}, otherwise {@code embedded}; logs {@code "<what> for tests:
   * <describe(fixture)> (ready in N ms)"} on {@code log}.
   */
  static <F> F choose(
      Logger log,
      String what,
      Supplier<F> fromEnvironment,
      String image,
      Supplier<F> container,
      Supplier<F> embedded,
      Function<F, String> describe) {
    long started = System.nanoTime();
    F fixture = fromEnvironment.get();
    if (fixture == null) {
      fixture = Docker.usable(image) ? container.get() : embedded.get();
    }
    log.info(
        "{} for tests: {} (ready in {} ms)",
        what,
        describe.apply(fixture),
        (System.nanoTime() - started) / 1_000_000);
    return fixture;
  }

  /** The environment variable {@code name}, trimmed, or {@code fallback} when unset or blank. */
  static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  /** Starts {@code container} and stops it when the JVM exits, on a thread named {@code hook}. */
  static <C extends GenericContainer<?>> C started(C container, String hook) {
    container.start();
    Runtime.getRuntime().addShutdownHook(new Thread(container::stop, hook));
    return container;
  }
}

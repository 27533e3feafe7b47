package dev.iii4j.testing;

import dev.iii4j.service.ServiceApplication;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/**
 * Starts a built-in service inside the test JVM from its own configuration (its environment's
 * {@code application-<service>.yml}) plus overrides: the gateway to connect to, the test database
 * or Kafka, and whatever else a test sets. Management HTTP always gets a free port.
 *
 * <pre>{@code
 * ApplicationContext state =
 *     ServiceHarness.service("state-service", "engine.state")
 *         .gateway(gateway)
 *         .database(PostgresFixture.instance().createDatabase("state_x"))
 *         .property("engine.state.events.poll-interval", "200ms")
 *         .start();
 * }</pre>
 */
public final class ServiceHarness {
  /** The system property Micronaut reads like {@code MICRONAUT_ENVIRONMENTS}. */
  public static final String ENVIRONMENTS_PROPERTY = "micronaut.environments";

  private final String environment;
  private final String prefix;
  private final Map<String, Object> properties = new HashMap<>();

  private ServiceHarness(String environment, String prefix) {
    this.environment = environment;
    this.prefix = prefix;
    properties.put("micronaut.server.port", -1);
  }

  /**
   * A service whose beans live in Micronaut environment {@code environment} and whose gateway
   * connection is configured under {@code prefix} (for example {@code engine.state}).
   */
  public static ServiceHarness service(String environment, String prefix) {
    return new ServiceHarness(environment, prefix);
  }

  /** Connects to {@code gateway} with its service token, reconnecting quickly. */
  public ServiceHarness gateway(GatewayHarness gateway) {
    properties.put(prefix + ".gateway-url", gateway.url().toString());
    properties.put(prefix + ".service-token", gateway.serviceToken());
    properties.put(prefix + ".reconnect-max-delay", "500ms");
    return this;
  }

  /** Uses the database at {@code jdbcUrl} of the shared {@link PostgresFixture}. */
  public ServiceHarness database(String jdbcUrl) {
    PostgresFixture postgres = PostgresFixture.instance();
    properties.put(EngineTestProperties.DATASOURCE_URL, jdbcUrl);
    properties.put(EngineTestProperties.DATASOURCE_USERNAME, postgres.username());
    properties.put(EngineTestProperties.DATASOURCE_PASSWORD, postgres.password());
    properties.put(EngineTestProperties.DATASOURCE_DRIVER, PostgresFixture.DRIVER_CLASS_NAME);
    return this;
  }

  /** Uses the shared {@link KafkaFixture} broker. */
  public ServiceHarness kafka() {
    properties.put(
        EngineTestProperties.KAFKA_BOOTSTRAP_SERVERS, KafkaFixture.instance().bootstrapServers());
    return this;
  }

  /** One more setting; later ones win. */
  public ServiceHarness property(String key, Object value) {
    properties.put(key, value);
    return this;
  }

  /** More settings; later ones win. */
  public ServiceHarness properties(Map<String, ?> more) {
    properties.putAll(more);
    return this;
  }

  /** The settings collected so far (a copy). */
  public Map<String, Object> settings() {
    return new HashMap<>(properties);
  }

  /** Starts the service's context the way {@link ServiceApplication#context} activates it. */
  public ApplicationContext start() {
    return ServiceApplication.context(environment).properties(properties).start();
  }

  /**
   * Starts the service through its own entry point's builder (for example {@code
   * Application.builder()}), as {@code main} would, with these settings.
   */
  public ApplicationContext start(ApplicationContextBuilder entryPoint) {
    return entryPoint.properties(properties).start();
  }

  /**
   * Starts the service through {@code entryPoint} (its {@code Application.builder()}) as if {@code
   * MICRONAUT_ENVIRONMENTS=prod} were set, and returns it once {@code registered} holds (for
   * example the gateway lists one of its functions). Fails when {@code prod} or the service's
   * environment is not active, or when its own YAML was not loaded ({@code
   * micronaut.application.name} is not {@code applicationName}).
   */
  public ApplicationContext startUnderProd(
      ApplicationContextBuilder entryPoint, String applicationName, BooleanSupplier registered) {
    ApplicationContext context = withMicronautEnvironments("prod", () -> start(entryPoint));
    try {
      Set<String> active = context.getEnvironment().getActiveNames();
      if (!active.contains("prod") || !active.contains(environment)) {
        throw new AssertionError("expected prod and " + environment + " active, got " + active);
      }
      String name = context.getProperty("micronaut.application.name", String.class).orElse(null);
      if (!applicationName.equals(name)) {
        throw new AssertionError(
            "expected the service's YAML (application name " + applicationName + "), got " + name);
      }
      Awaitility.await(applicationName + " registered with the gateway")
          .atMost(Duration.ofSeconds(30))
          .until(registered::getAsBoolean);
      return context;
    } catch (RuntimeException | AssertionError e) {
      context.close();
      throw e;
    }
  }

  /**
   * Runs {@code start} as if {@code MICRONAUT_ENVIRONMENTS} were {@code names}: Micronaut reads the
   * system property {@value #ENVIRONMENTS_PROPERTY} the same way. The property is restored after.
   */
  public static <T> T withMicronautEnvironments(String names, Supplier<T> start) {
    String before = System.getProperty(ENVIRONMENTS_PROPERTY);
    System.setProperty(ENVIRONMENTS_PROPERTY, names);
    try {
      return start.get();
    } finally {
      if (before == null) {
        System.clearProperty(ENVIRONMENTS_PROPERTY);
      } else {
        System.setProperty(ENVIRONMENTS_PROPERTY, before);
      }
    }
  }
}

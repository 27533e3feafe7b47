package dev.iii4j.testing;

import io.micronaut.test.support.TestPropertyProvider;
import java.util.HashMap;
import java.util.Map;

/**
 * Micronaut configuration pointing an application context at the fixtures' real servers, in the
 * manner of micronaut-kafka's {@code AbstractKafkaTest}.
 *
 * <p>A {@code @MicronautTest} class with {@code @TestInstance(PER_CLASS)} either extends this
 * class, or implements {@link TestPropertyProvider} itself and returns one of the static helpers
 * from {@code getProperties()}:
 *
 * <pre>{@code
 * @MicronautTest
 * @TestInstance(TestInstance.Lifecycle.PER_CLASS)
 * class JdbcStateStoreTest implements TestPropertyProvider {
 *   @Override
 *   public Map<String, String> getProperties() {
 *     return EngineTestProperties.isolatedPostgres("state");
 *   }
 * }
 * }</pre>
 *
 * <p>Every helper starts the servers it names on first use (see {@link PostgresFixture} and {@link
 * KafkaFixture}) and returns a new unmodifiable map.
 */
public class EngineTestProperties implements TestPropertyProvider {
  /** Property holding the JDBC URL of the default data source. */
  public static final String DATASOURCE_URL = "datasources.default.url";

  /** Property holding the user name of the default data source. */
  public static final String DATASOURCE_USERNAME = "datasources.default.username";

  /** Property holding the password of the default data source. */
  public static final String DATASOURCE_PASSWORD = "datasources.default.password";

  /** Property holding the JDBC driver class of the default data source. */
  public static final String DATASOURCE_DRIVER = "datasources.default.driver-class-name";

  /** Property holding micronaut-kafka's bootstrap servers. */
  public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";

  /** For subclasses: a test class that extends this one gets {@link #all()}. */
  protected EngineTestProperties() {}

  /** Returns {@link #all()}; override to choose or add properties. */
  @Override
  public Map<String, String> getProperties() {
    return all();
  }

  /** {@code datasources.default.*} for the shared database, {@link PostgresFixture#jdbcUrl()}. */
  public static Map<String, String> postgres() {
    return postgres(PostgresFixture.instance().jdbcUrl());
  }

  /**
   * {@code datasources.default.*} for a database of its own, created by {@link
   * PostgresFixture#createDatabase(String)}: Flyway then migrates an empty schema.
   */
  public static Map<String, String> isolatedPostgres(String databasePrefix) {
    return postgres(PostgresFixture.instance().createDatabase(databasePrefix));
  }

  /** {@code kafka.bootstrap.servers} for {@link KafkaFixture#bootstrapServers()}. */
  public static Map<String, String> kafka() {
    return Map.of(KAFKA_BOOTSTRAP_SERVERS, KafkaFixture.instance().bootstrapServers());
  }

  /** {@link #postgres()} and {@link #kafka()} together. */
  public static Map<String, String> all() {
    Map<String, String> all = new HashMap<>(postgres());
    all.putAll(kafka());
    return Map.copyOf(all);
  }

  private static Map<String, String> postgres(String jdbcUrl) {
    PostgresFixture postgres = PostgresFixture.instance();
    return Map.of(
        DATASOURCE_URL,
        jdbcUrl,
        DATASOURCE_USERNAME,
        postgres.username(),
        DATASOURCE_PASSWORD,
        postgres.password(),
        DATASOURCE_DRIVER,
        PostgresFixture.DRIVER_CLASS_NAME);
  }
}

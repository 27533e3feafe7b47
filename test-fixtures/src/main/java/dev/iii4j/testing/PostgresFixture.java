package dev.iii4j.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One real PostgreSQL server per JVM, for tests.
 *
 * <p>The server is chosen on the first call to {@link #instance()}, in this order:
 *
 * <ol>
 *   <li>the server named by {@value #URL_ENV} (a JDBC URL), {@value #USER_ENV} and {@value
 *       #PASSWORD_ENV}, started by a script or CI;
 *   <li>a Testcontainers {@code postgres} container ({@value #DEFAULT_IMAGE}, or the image named by
 *       {@value #IMAGE_ENV}) when a Docker engine answers and the image is present locally;
 *   <li>otherwise zonky's embedded PostgreSQL, a real server process unpacked from a jar, on a
 *       random loopback port.
 * </ol>
 *
 * <p>A server the fixture started is stopped by a JVM shutdown hook; a server from the environment
 * is left alone. Tests sharing the server isolate themselves with {@link #createDatabase(String)}
 * or with unique table and key names.
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
public final class PostgresFixture {
  /** Environment variable holding the JDBC URL of an already running server. */
  public static final String URL_ENV = "ENGINE_TEST_POSTGRES_URL";

  /** Environment variable holding the user name for {@value #URL_ENV}. */
  public static final String USER_ENV = "ENGINE_TEST_POSTGRES_USER";

  /** Environment variable holding the password for {@value #URL_ENV}. */
  public static final String PASSWORD_ENV = "ENGINE_TEST_POSTGRES_PASSWORD";

  /** Environment variable overriding the Docker image used under Testcontainers. */
  public static final String IMAGE_ENV = "ENGINE_TEST_POSTGRES_IMAGE";

  /** Docker image used under Testcontainers: the same major version as the embedded binaries. */
  public static final String DEFAULT_IMAGE = "postgres:17-alpine";

  /** The JDBC driver class, for configuration that names it. */
  public static final String DRIVER_CLASS_NAME = "org.postgresql.Driver";

  private static final Logger LOG = LoggerFactory.getLogger(PostgresFixture.class);
  private static final String JDBC_PREFIX = "jdbc:postgresql://";
  private static final int MAX_IDENTIFIER_LENGTH = 63;
  private static final SharedServer<PostgresFixture> SERVER =
      new SharedServer<>(PostgresFixture::start);

  private final FixtureSource source;
  private final String jdbcUrl;
  private final String username;
  private final String password;
  private final DataSource dataSource;
  private final Queue<String> createdDatabases = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean dropOnExitRegistered = new AtomicBoolean();

  private PostgresFixture(FixtureSource source, String jdbcUrl, String username, String password) {
    this.source = source;
    this.jdbcUrl = jdbcUrl;
    this.username = username;
    this.password = password;
    this.dataSource = dataSource(jdbcUrl);
  }

  /**
   * Returns this JVM's server, starting it on the first call.
   *
   * <p>Callers racing on the first call wait for the one start; later calls return at once.
   *
   * @throws IllegalStateException when no server can be reached or started; the next call tries
   *     again
   */
  public static PostgresFixture instance() {
    return SERVER.get();
  }

  /** Which of the three ways the server was found. */
  public FixtureSource source() {
    return source;
  }

  /**
   * The JDBC URL of the server's shared database: the URL from {@value #URL_ENV}, the container's
   * database, or the embedded server's {@code postgres} database.
   */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The user name, allowed to create databases. */
  public String username() {
    return username;
  }

  /** The password; the embedded server trusts loopback connections and ignores it. */
  public String password() {
    return password;
  }

  /** A non-pooling data source for {@link #jdbcUrl()}, with this fixture's credentials. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** A new non-pooling data source for {@code jdbcUrl} on this server, with its credentials. */
  public DataSource dataSource(String jdbcUrl) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(jdbcUrl);
    ds.setUser(username);
    ds.setPassword(password);
    return ds;
  }

  /**
   * Creates an empty database with a fresh name and returns its JDBC URL.
   *
   * <p>The name is {@code prefix} lower-cased, with characters other than letters, digits and
   * {@code _} replaced by {@code _}, followed by a random suffix. On a server from the environment,
   * which may outlive many test runs, the fixture drops its databases when the JVM exits; a server
   * the fixture started is discarded whole.
   *
   * @throws IllegalStateException when the server refuses to create it
   * @throws IllegalArgumentException when the configured URL has no {@code //host/database} form
   */
  public String createDatabase(String prefix) {
    String name = uniqueDatabaseName(prefix);
    String url = withDatabase(jdbcUrl, name);
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE \"" + name + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    if (source == FixtureSource.ENVIRONMENT) {
      createdDatabases.add(name);
      if (dropOnExitRegistered.compareAndSet(false, true)) {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(this::dropCreatedDatabases, "engine-test-postgres-drop"));
      }
    }
    return url;
  }

  private void dropCreatedDatabases() {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      for (String name : createdDatabases) {
        try {
          // FORCE (PostgreSQL 13+) ends the connections of pools that are still closing.
          statement.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
        } catch (SQLException e) {
          LOG.warn("could not drop the test database {}", name, e);
        }
      }
    } catch (SQLException e) {
      LOG.warn("could not drop the test databases {}", createdDatabases, e);
    }
  }

  static String uniqueDatabaseName(String prefix) {
    String base = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (base.isEmpty() || !Character.isLetter(base.charAt(0))) {
      base = "db_" + base;
    }
    String suffix = "_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    int room = MAX_IDENTIFIER_LENGTH - suffix.length();
    return (base.length() > room ? base.substring(0, room) : base) + suffix;
  }

  /** Replaces the database of a {@code jdbc:postgresql://hosts/database?params} URL. */
  static String withDatabase(String url, String database) {
    if (!url.startsWith(JDBC_PREFIX)) {
      throw new IllegalArgumentException("not a jdbc:postgresql://host/database URL: " + url);
    }
    int query = url.indexOf('?', JDBC_PREFIX.length());
    String params = query < 0 ? "" : url.substring(query);
    String head = query < 0 ? url : url.substring(0, query);
    int slash = head.indexOf('/', JDBC_PREFIX.length());
    String hosts = slash < 0 ? head : head.substring(0, slash);
    return hosts + "/" + database + params;
  }

  private static PostgresFixture start() {
    return SharedServer.choose(
        LOG,
        "PostgreSQL",
        () -> {
          String url = SharedServer.envOr(URL_ENV, null);
          return url == null
              ? null
              : new PostgresFixture(
                  FixtureSource.ENVIRONMENT,
                  url,
                  SharedServer.envOr(USER_ENV, "postgres"),
                  SharedServer.envOr(PASSWORD_ENV, ""));
        },
        SharedServer.envOr(IMAGE_ENV, DEFAULT_IMAGE),
        PostgresFixture::startContainer,
        PostgresFixture::startEmbedded,
        fixture -> fixture.source + " at " + fixture.jdbcUrl);
  }

  private static PostgresFixture startContainer() {
    PostgreSQLContainer<?> container =
        SharedServer.started(
            new PostgreSQLContainer<>(
                DockerImageName.parse(SharedServer.envOr(IMAGE_ENV, DEFAULT_IMAGE))
                    .asCompatibleSubstituteFor("postgres")),
            "engine-test-postgres-container-stop");
    return new PostgresFixture(
        FixtureSource.TESTCONTAINERS,
        container.getJdbcUrl(),
        container.getUsername(),
        container.getPassword());
  }

  private static PostgresFixture startEmbedded() {
    EmbeddedPostgres server;
    try {
      // Our own hook below stops it; zonky's would be a second one racing with ours.
      server = EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start embedded PostgreSQL", e);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                "engine-test-postgres-embedded-stop"));
    return new PostgresFixture(
        FixtureSource.EMBEDDED,
        JDBC_PREFIX + "localhost:" + server.getPort() + "/postgres",
        "postgres",
        "postgres");
  }
}

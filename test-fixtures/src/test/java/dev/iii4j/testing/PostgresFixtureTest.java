package dev.iii4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PostgresFixtureTest {
  private final PostgresFixture postgres = PostgresFixture.instance();

  @Test
  void answersSelectVersionWithARealServerVersion() throws SQLException {
    try (Connection connection = postgres.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet version =
            statement.executeQuery(
                "select version(), current_setting('server_version_num')::int")) {
      assertThat(version.next()).isTrue();
      assertThat(version.getString(1)).startsWith("PostgreSQL ");
      assertThat(version.getInt(2)).isGreaterThanOrEqualTo(120000);
    }
  }

  @Test
  void acceptsItsCredentialsThroughDriverManager() throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(
                postgres.jdbcUrl(), postgres.username(), postgres.password());
        Statement statement = connection.createStatement();
        ResultSet one = statement.executeQuery("select 1")) {
      assertThat(one.next()).isTrue();
      assertThat(one.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void createdDatabasesAreIsolatedFromEachOther() throws SQLException {
    String first = postgres.createDatabase("isolation");
    String second = postgres.createDatabase("isolation");
    assertThat(first).isNotEqualTo(second);

    try (Connection connection = postgres.dataSource(first).getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("create table only_in_first (id int primary key)");
    }

    assertThat(tableExists(first, "only_in_first")).isTrue();
    assertThat(tableExists(second, "only_in_first")).isFalse();
    assertThat(tableExists(postgres.jdbcUrl(), "only_in_first")).isFalse();
  }

  @Test
  void roundTripsJsonb() throws SQLException {
    String url = postgres.createDatabase("jsonb");
    try (Connection connection = postgres.dataSource(url).getConnection()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("create table docs (id int primary key, doc jsonb not null)");
      }
      try (PreparedStatement insert =
          connection.prepareStatement("insert into docs (id, doc) values (?, ?::jsonb)")) {
        insert.setInt(1, 1);
        insert.setString(2, "{\"b\": 1, \"a\": [true, null, \"x\"], \"u\": \"\\u00e9\"}");
        insert.executeUpdate();
      }
      try (Statement statement = connection.createStatement();
          ResultSet row =
              statement.executeQuery(
                  "select doc::text, doc->'a'->>2, jsonb_typeof(doc->'b') from docs where id = 1")) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString(1))
            .isEqualTo("{\"a\": [true, null, \"x\"], \"b\": 1, \"u\": \"é\"}");
        assertThat(row.getString(2)).isEqualTo("x");
        assertThat(row.getString(3)).isEqualTo("number");
      }
    }
  }

  @Test
  void isOnePerJvmEvenWhenAskedConcurrently() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<PostgresFixture>> calls =
          IntStream.range(0, 8)
              .<Callable<PostgresFixture>>mapToObj(i -> PostgresFixture::instance)
              .toList();
      for (Future<PostgresFixture> result : pool.invokeAll(calls)) {
        assertThat(result.get()).isSameAs(postgres);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void namesDatabasesAsLegalUniqueIdentifiers() {
    String name = PostgresFixture.uniqueDatabaseName("State-Service/" + "x".repeat(80));
    assertThat(name).matches("[a-z][a-z0-9_]*").hasSizeLessThanOrEqualTo(63);
    assertThat(PostgresFixture.uniqueDatabaseName("9lives")).startsWith("db_9lives_");
    assertThat(PostgresFixture.uniqueDatabaseName("a"))
        .isNotEqualTo(PostgresFixture.uniqueDatabaseName("a"));
  }

  @Test
  void replacesTheDatabaseOfAUrlAndKeepsItsParameters() {
    assertThat(PostgresFixture.withDatabase("jdbc:postgresql://h:5432/app?ssl=false&x=y", "t1"))
        .isEqualTo("jdbc:postgresql://h:5432/t1?ssl=false&x=y");
    assertThat(PostgresFixture.withDatabase("jdbc:postgresql://h1:1,h2:2/app", "t1"))
        .isEqualTo("jdbc:postgresql://h1:1,h2:2/t1");
    assertThat(PostgresFixture.withDatabase("jdbc:postgresql://h", "t1"))
        .isEqualTo("jdbc:postgresql://h/t1");
    assertThatThrownBy(() -> PostgresFixture.withDatabase("jdbc:postgresql:app", "t1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private boolean tableExists(String url, String table) throws SQLException {
    try (Connection connection = postgres.dataSource(url).getConnection();
        PreparedStatement query =
            connection.prepareStatement("select to_regclass(?) is not null")) {
      query.setString(1, table);
      try (ResultSet exists = query.executeQuery()) {
        assertThat(exists.next()).isTrue();
        return exists.getBoolean(1);
      }
    }
  }
}

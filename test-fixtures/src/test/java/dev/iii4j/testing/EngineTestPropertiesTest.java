package dev.iii4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineTestPropertiesTest {

  @Test
  void pointsTheDefaultDataSourceAndKafkaAtTheFixtures() {
    Map<String, String> all = new EngineTestProperties() {}.getProperties();

    assertThat(all)
        .containsEntry(EngineTestProperties.DATASOURCE_URL, PostgresFixture.instance().jdbcUrl())
        .containsEntry(
            EngineTestProperties.DATASOURCE_USERNAME, PostgresFixture.instance().username())
        .containsEntry(
            EngineTestProperties.DATASOURCE_PASSWORD, PostgresFixture.instance().password())
        .containsEntry(EngineTestProperties.DATASOURCE_DRIVER, "org.postgresql.Driver")
        .containsEntry(
            EngineTestProperties.KAFKA_BOOTSTRAP_SERVERS,
            KafkaFixture.instance().bootstrapServers())
        .hasSize(5);
    assertThat(EngineTestProperties.postgres()).hasSize(4);
    assertThat(EngineTestProperties.kafka()).hasSize(1);
  }

  @Test
  void givesAnIsolatedDatabaseThatAcceptsConnections() throws SQLException {
    Map<String, String> isolated = EngineTestProperties.isolatedPostgres("props");

    assertThat(isolated.get(EngineTestProperties.DATASOURCE_URL))
        .isNotEqualTo(PostgresFixture.instance().jdbcUrl())
        .contains("/props_");
    try (Connection connection =
        DriverManager.getConnection(
            isolated.get(EngineTestProperties.DATASOURCE_URL),
            isolated.get(EngineTestProperties.DATASOURCE_USERNAME),
            isolated.get(EngineTestProperties.DATASOURCE_PASSWORD))) {
      assertThat(connection.isValid(5)).isTrue();
    }
  }
}

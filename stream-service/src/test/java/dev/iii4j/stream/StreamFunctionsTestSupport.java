package dev.iii4j.stream;

import dev.iii4j.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** SQL helpers for tests that look into the database. */
final class StreamFunctionsTestSupport {
  private StreamFunctionsTestSupport() {}

  static long count(String jdbcUrl, String sql) throws Exception {
    try (Connection c = PostgresFixture.instance().dataSource(jdbcUrl).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

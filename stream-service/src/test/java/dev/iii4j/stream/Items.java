package dev.iii4j.stream;

import dev.iii4j.testing.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** Stream function arguments as JSON text and SQL counts, for readable tests. */
final class Items {
  private Items() {}

  /** The single number {@code sql} selects on database {@code jdbcUrl}. */
  static long count(String jdbcUrl, String sql) throws Exception {
    try (Connection c = PostgresFixture.instance().dataSource(jdbcUrl).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** {@code {"stream_name","group_id","item_id"}} plus extra JSON members. */
  static String item(String stream, String group, String item, String... extra) {
    StringBuilder b =
        new StringBuilder(
            "{\"stream_name\":\""
                + stream
                + "\",\"group_id\":\""
                + group
                + "\",\"item_id\":\""
                + item
                + "\"");
    for (String e : extra) {
      b.append(',').append(e);
    }
    return b.append('}').toString();
  }
}

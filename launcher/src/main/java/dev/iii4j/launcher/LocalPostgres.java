package dev.iii4j.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server unpacked from Maven Central (zonky's binaries), with its data directory
 * kept between runs, and the stack's database created on first start.
 */
final class LocalPostgres implements AutoCloseable {
  static final String DATABASE = "iii";
  static final String USER = "postgres";

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  LocalPostgres(Path dataDir, int port) {
    this.dataDir = dataDir.resolve("postgres");
    this.port = port;
  }

  void start(Path logs) throws IOException, SQLException {
    Files.createDirectories(dataDir.getParent());
    server =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setPort(port)
            .setRegisterShutdownHook(false)
            .setOverrideWorkingDirectory(dataDir.getParent().resolve("pg-binaries").toFile())
            .setOutputRedirector(
                java.lang.ProcessBuilder.Redirect.appendTo(logs.resolve("postgres.log").toFile()))
            .setErrorRedirector(
                java.lang.ProcessBuilder.Redirect.appendTo(logs.resolve("postgres.log").toFile()))
            .start();
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet exists =
            s.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
      if (!exists.next()) {
        s.execute("create database " + DATABASE);
      }
    }
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}

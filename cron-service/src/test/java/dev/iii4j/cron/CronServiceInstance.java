package dev.iii4j.cron;

import static org.awaitility.Awaitility.await;

import dev.iii4j.cron.config.CronProperties;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.ServiceApplication;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Starts cron-service contexts against a {@link GatewayHarness} and a test database. */
final class CronServiceInstance {
  private CronServiceInstance() {}

  /** Properties of a cron service for {@code gateway} and the database at {@code jdbcUrl}. */
  static Map<String, Object> properties(GatewayHarness gateway, String jdbcUrl) {
    return ServiceHarness.service(CronScheduler.ENVIRONMENT, CronProperties.PREFIX)
        .gateway(gateway)
        .database(jdbcUrl)
        .property("datasources.default.maximum-pool-size", 4)
        .settings();
  }

  /** Starts a replica and waits until it is connected to the gateway. */
  static ApplicationContext start(Map<String, Object> properties) {
    ApplicationContext context =
        ServiceApplication.context(CronScheduler.ENVIRONMENT).properties(properties).start();
    EngineWorker worker = context.getBean(EngineWorker.class);
    await("cron replica connected").atMost(Duration.ofSeconds(20)).until(worker::isConnected);
    return context;
  }

  /** A JSON object from alternating keys and string values. */
  static JsonNode object(String... keysAndValues) {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      fields.put(keysAndValues[i], JsonNode.createStringNode(keysAndValues[i + 1]));
    }
    return JsonNode.createObjectNode(fields);
  }

  /** One claim row as stored. */
  record Claim(Instant scheduledTime, String replicaId, String outcome) {}

  /** The claim rows of one job, oldest tick first. */
  static List<Claim> claims(DataSource db, String jobId) {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT scheduled_time, replica_id, outcome FROM iii_cron.tick_claim"
                    + " WHERE job_id = ? ORDER BY scheduled_time")) {
      s.setString(1, jobId);
      List<Claim> rows = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(new Claim(r.getTimestamp(1).toInstant(), r.getString(2), r.getString(3)));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Inserts a claim row directly, as another (possibly dead) replica would have. */
  static void insertClaim(
      DataSource db, String jobId, Instant tick, String replica, String outcome) {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO iii_cron.tick_claim (job_id, scheduled_time, replica_id, outcome)"
                    + " VALUES (?, to_timestamp(?), ?, ?)")) {
      s.setString(1, jobId);
      s.setLong(2, tick.getEpochSecond());
      s.setString(3, replica);
      s.setString(4, outcome);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}

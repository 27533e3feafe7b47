package dev.iii4j.stream;

import static dev.iii4j.testing.Calls.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.ops.JsonText;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.ManagementEndpoints;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Readiness covers the database, the gateway, the listener and the change feed; metrics. */
class HealthTest {

  @Test
  void readinessAndPrometheusMetrics() throws Exception {
    GatewayHarness gateway = GatewayHarness.start();
    Map<String, Object> properties =
        StreamServiceInstance.properties(
            gateway, PostgresFixture.instance().createDatabase("stream_health"));
    try (ApplicationContext context = StreamServiceInstance.start(properties)) {
      EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
      assertThat(ManagementEndpoints.awaitReadiness(server, 200).body())
          .contains("\"gateway\"")
          .contains("jdbc")
          .contains("\"stream-clients\"")
          .contains("\"change_feed\":true");
      assertThat(ManagementEndpoints.deviations(server)).isEmpty();

      String s = unique("metrics");
      try (StreamClient ws = StreamClient.connect(StreamServiceInstance.clientUrl(context))) {
        ws.join("m", s, "g", null);
        ws.next();
        context.getBean(StreamService.class).set(s, "g", "i", JsonText.parse("1"), null);
        ws.next();
        String metrics = ManagementEndpoints.get(server, "/prometheus").body();
        assertThat(metrics)
            .contains("iii_stream_clients_connected 1.0")
            .contains("iii_stream_subscriptions 1.0")
            .contains("iii_stream_frames_pushed_total 2.0")
            .contains("iii_stream_clients_cut_off_total 0.0")
            .contains("iii_stream_events_pending 0.0")
            .contains("iii_stream_messages_received_total")
            .contains("hikaricp_connections");
      }

      gateway.close();
      ManagementEndpoints.awaitReadiness(server, 503);
    } finally {
      gateway.close();
    }
  }
}

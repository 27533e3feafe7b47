package dev.iii4j.stream;

import static dev.iii4j.testing.Calls.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.ops.JsonText;
import dev.iii4j.testing.ManagementEndpoints;
import dev.iii4j.testing.PostgresFixture;
import org.junit.jupiter.api.Test;

/** Readiness covers the database, the gateway, the listener and the change feed; metrics. */
class HealthTest {

  @Test
  void readinessAndPrometheusMetrics() throws Exception {
    String db = PostgresFixture.instance().createDatabase("stream_health");
    ManagementEndpoints.readinessFollowsTheGateway(
        gateway -> StreamServiceInstance.start(StreamServiceInstance.properties(gateway, db)),
        (service, server, readiness) -> {
          assertThat(readiness)
              .contains("\"gateway\"")
              .contains("jdbc")
              .contains("\"stream-clients\"")
              .contains("\"change_feed\":true");
          String s = unique("metrics");
          try (StreamClient ws = StreamClient.connect(StreamServiceInstance.clientUrl(service))) {
            ws.join("m", s, "g", null);
            ws.next();
            service.getBean(StreamService.class).set(s, "g", "i", JsonText.parse("1"), null);
            ws.next();
            assertThat(ManagementEndpoints.get(server, "/prometheus").body())
                .contains("iii_stream_clients_connected 1.0")
                .contains("iii_stream_subscriptions 1.0")
                .contains("iii_stream_frames_pushed_total 2.0")
                .contains("iii_stream_clients_cut_off_total 0.0")
                .contains("iii_stream_events_pending 0.0")
                .contains("iii_stream_messages_received_total")
                .contains("hikaricp_connections");
          }
        });
  }
}

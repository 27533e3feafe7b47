package dev.iii4j.stream;

import static dev.iii4j.testing.Calls.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.ops.JsonText;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Messages too large for a notification travel through the outbox, in order, to every replica. */
class LargeMessagesTest {

  @Test
  void largeMessagesReachClientsOfBothReplicasThroughTheOutbox() throws Exception {
    String db = PostgresFixture.instance().createDatabase("stream_large");
    try (GatewayHarness gateway = GatewayHarness.start()) {
      Map<String, Object> properties = StreamServiceInstance.properties(gateway, db);
      properties.put("engine.stream.notify-inline-max-bytes", 200);
      try (ApplicationContext one = StreamServiceInstance.start(properties);
          ApplicationContext two = StreamServiceInstance.start(properties);
          StreamClient onTwo = StreamClient.connect(StreamServiceInstance.clientUrl(two))) {
        String s = unique("large");
        onTwo.join("a", s, "g", "i");
        onTwo.next();
        String big = "y".repeat(100_000);
        StreamService service = one.getBean(StreamService.class);
        service.set(s, "g", "i", JsonText.parse("{\"n\":1,\"t\":\"" + big + "\"}"), null);
        service.set(s, "g", "i", JsonText.parse("{\"n\":2}"), null);
        service.set(s, "g", "i", JsonText.parse("{\"n\":3,\"t\":\"" + big + "\"}"), null);
        for (int n = 1; n <= 3; n++) {
          JsonNode data = onTwo.next().get("event").get("data");
          assertThat(data.get("n").getIntValue()).isEqualTo(n);
          if (n != 2) {
            assertThat(data.get("t").getStringValue()).hasSize(100_000);
          }
        }
        // The two large ones went through the outbox; the small one in between was inline, and
        // still arrived in its place.
        assertThat(Items.count(db, "SELECT count(*) FROM iii_stream.event")).isEqualTo(2);
        // A delete's message is written by the database from the deleted value: a large one goes
        // through the outbox too, a small one inline; clients get both as the service writes them.
        service.delete(s, "g", "i", null);
        JsonNode deleted = onTwo.next().get("event");
        assertThat(deleted.get("type").getStringValue()).isEqualTo("delete");
        assertThat(deleted.get("data").get("t").getStringValue()).hasSize(100_000);
        assertThat(Items.count(db, "SELECT count(*) FROM iii_stream.event")).isEqualTo(3);
        service.set(s, "g", "i", JsonText.parse("{\"n\":4,\"f\":2.50}"), null);
        assertThat(onTwo.nextEvent())
            .isEqualTo("{\"type\":\"create\",\"data\":{\"n\":4,\"f\":2.5}}");
        service.delete(s, "g", "i", null);
        assertThat(onTwo.nextEvent())
            .isEqualTo("{\"type\":\"delete\",\"data\":{\"f\":2.5,\"n\":4}}");
        assertThat(Items.count(db, "SELECT count(*) FROM iii_stream.event")).isEqualTo(3);
      }
    }
  }
}

package dev.iii4j.stream;

import static dev.iii4j.testing.Calls.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.stream.clients.ClientHub;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A client that does not read is cut off with 1008; the others get everything, unslowed. */
class StreamBackPressureTest {

  @Test
  void aSlowClientIsDisconnectedWithoutAffectingAFastOne() throws Exception {
    int messages = 1000;
    String payload = "x".repeat(7000);
    try (GatewayHarness gateway = GatewayHarness.start()) {
      Map<String, Object> properties =
          StreamServiceInstance.properties(
              gateway, PostgresFixture.instance().createDatabase("stream_backpressure"));
      properties.put("engine.stream.max-buffered-bytes", 262144);
      try (ApplicationContext service = StreamServiceInstance.start(properties)) {
        URI url = StreamServiceInstance.clientUrl(service);
        ClientHub hub = service.getBean(ClientHub.class);
        StreamService streams = service.getBean(StreamService.class);
        String s = unique("firehose");
        try (StreamClient fast = StreamClient.connect(url);
            RawStreamClient slow = new RawStreamClient(url)) {
          fast.join("f", s, "g", null);
          slow.sendText(
              "{\"type\":\"join\",\"data\":{\"subscriptionId\":\"s\",\"streamName\":\""
                  + s
                  + "\",\"groupId\":\"g\"}}");
          assertThat(fast.nextEvent()).isEqualTo("{\"type\":\"sync\",\"data\":[]}");
          await().atMost(Duration.ofSeconds(5)).until(() -> hub.subscriptions() == 2);

          long started = System.nanoTime();
          for (int i = 0; i < messages; i++) {
            streams.send(s, "g", null, "n", JsonNode.createStringNode(i + ":" + payload), null);
          }
          List<Integer> seen = new ArrayList<>();
          for (int i = 0; i < messages; i++) {
            String data = fast.next().get("event").get("event").get("data").getStringValue();
            seen.add(Integer.parseInt(data.substring(0, data.indexOf(':'))));
          }
          long tookMillis = (System.nanoTime() - started) / 1_000_000;
          assertThat(seen).hasSize(messages).isSorted().startsWith(0).endsWith(messages - 1);
          // The slow client's session runs on its own event loop, maybe behind the fast one's.
          await().atMost(Duration.ofSeconds(10)).until(() -> hub.cutOffTotal() == 1);
          System.out.println(
              "MEASURE "
                  + messages
                  + " messages of 7 KB sent and received by the fast client in "
                  + tookMillis
                  + " ms while the slow one was cut off");

          List<RawStreamClient.Frame> frames = slow.readUntilClosed(10_000);
          RawStreamClient.Frame last = frames.isEmpty() ? null : frames.get(frames.size() - 1);
          System.out.println(
              "MEASURE the slow client read "
                  + frames.size()
                  + " frames before the end; last opcode "
                  + (last == null ? "none" : last.opcode()));
          assertThat(frames.size()).isLessThan(messages);
          if (last != null && last.opcode() == 0x8) {
            assertThat(last.closeCode()).isEqualTo(1008);
            assertThat(last.text()).contains("slow client");
          }
          await().atMost(Duration.ofSeconds(5)).until(() -> hub.connected() == 1);
        }
      }
    }
  }
}

package dev.iii4j.stream;

import static dev.iii4j.testing.Calls.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.stream.functions.SubscriptionTriggers;
import dev.iii4j.testing.Calls;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A stopping replica closes its clients with 1001, runs their leave triggers, stops listening. */
class ShutdownTest {

  @Test
  void stoppingClosesClientsWith1001AfterRunningTheirLeaveTriggers() throws Exception {
    try (GatewayHarness gateway = GatewayHarness.start()) {
      ApplicationContext service =
          StreamServiceInstance.start(
              StreamServiceInstance.properties(
                  gateway, PostgresFixture.instance().createDatabase("stream_shutdown")));
      URI url = StreamServiceInstance.clientUrl(service);
      String s = unique("bye");
      List<JsonNode> leaves = new CopyOnWriteArrayList<>();
      EngineWorker watcher = gateway.worker("shutdown-watcher");
      watcher.registerFunction(
          "test::shutdown-leave",
          FunctionHandler.sync(
              p -> {
                leaves.add(Calls.stripCaller(SerdeTrees.serde(p)));
                return null;
              }));
      watcher.registerTrigger(
          SubscriptionTriggers.LEAVE, "test::shutdown-leave", SerdeTrees.sdk(JsonText.parse("{}")));
      watcher.start().get(10, TimeUnit.SECONDS);
      SubscriptionTriggers triggers = service.getBean(SubscriptionTriggers.class);
      await().atMost(Duration.ofSeconds(10)).until(() -> !triggers.leaves().bindings().isEmpty());
      try (StreamClient ws = StreamClient.connect(url)) {
        ws.join("stay", s, "g", null);
        ws.next();
        service.close();
        assertThat(ws.closed().get(10, TimeUnit.SECONDS)).isEqualTo(1001);
        assertThat(leaves)
            .anySatisfy(
                l -> assertThat(l.get("subscription_id").getStringValue()).isEqualTo("stay"));
      } finally {
        watcher.close();
      }
      assertThat(connectable(url)).isFalse();
    }
  }

  private static boolean connectable(URI url) {
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}

package dev.iii4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GatewayHarnessTest {

  private static String callWhenReady(EngineWorker caller, String functionId) {
    String[] answer = new String[1];
    await()
        .atMost(10, TimeUnit.SECONDS)
        .ignoreExceptions()
        .until(
            () -> {
              answer[0] =
                  caller
                      .call(functionId, com.fasterxml.jackson.databind.node.NullNode.getInstance())
                      .get(2, TimeUnit.SECONDS)
                      .textValue();
              return true;
            });
    return answer[0];
  }

  @Test
  void servesAServiceWorkerAndItsClientsAcrossARestart() throws Exception {
    try (GatewayHarness gateway =
        GatewayHarness.start(Map.of("engine.gateway.listeners.extra.port", 0))) {
      int extraPort = gateway.url("extra").getPort();
      EngineWorker service = gateway.serviceWorker("stand-in-state");
      service.registerFunction(
          "state::get",
          FunctionHandler.sync(in -> dev.iii4j.protocol.Json.nodes().textNode("from service")));
      service.start().get(10, TimeUnit.SECONDS);
      EngineWorker client = gateway.worker("client");
      client.start().get(10, TimeUnit.SECONDS);
      assertThat(callWhenReady(client, "state::get")).isEqualTo("from service");

      gateway.restart();
      assertThat(gateway.url("extra").getPort()).isEqualTo(extraPort);
      assertThat(callWhenReady(client, "state::get")).isEqualTo("from service");
    }
  }
}

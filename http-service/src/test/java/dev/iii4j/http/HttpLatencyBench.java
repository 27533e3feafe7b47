package dev.iii4j.http;

import static dev.iii4j.http.HttpServiceInstance.json;

import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.TriggerRef;
import dev.iii4j.service.SerdeHandler;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.GatewayHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: starts a gateway, one http-service replica and a Java handler of {@code GET
 * /bench/:id}, writes the API's base URL to the file named by the first argument, and runs until
 * standard input closes. The latency numbers in docs/http-service.md come from {@code wrk} against
 * it.
 */
public final class HttpLatencyBench {
  private HttpLatencyBench() {}

  public static void main(String[] args) throws Exception {
    try (GatewayHarness gateway = GatewayHarness.start();
        HttpServiceInstance service =
            HttpServiceInstance.start(gateway, Map.of("engine.http.io-threads", 2))) {
      EngineWorker worker = gateway.worker("bench-handler");
      worker.registerFunction(
          "bench::hello",
          SerdeHandler.sync(
                  in ->
                      json("status_code", 200, "body", json("id", in.get("path_params").get("id"))))
              .sdk());
      worker.start().get(10, TimeUnit.SECONDS);
      TriggerRef trigger =
          worker.registerTrigger(
              "http", "bench::hello", SerdeTrees.sdk(json("api_path", "/bench/:id")));
      HttpTriggerTest.awaitRoute(service, trigger);
      Files.writeString(Path.of(args[0]), service.base.toString(), StandardCharsets.UTF_8);
      System.out.println("READY " + service.base);
      while (System.in.read() >= 0) {
        // Runs until the launcher closes standard input.
      }
    }
  }
}

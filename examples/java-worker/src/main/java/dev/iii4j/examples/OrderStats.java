package dev.iii4j.examples;

import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.WorkerOptions;
import io.micronaut.json.tree.JsonNode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The Java half of the order example: every 10 seconds a cron trigger runs {@code stats::orders},
 * which reads the orders the Node half stored in state scope {@code orders} and writes their count
 * and total quantity to {@code stats/orders}.
 *
 * <p>Run with {@code III_URL=ws://127.0.0.1:49134/} against a running stack.
 */
public final class OrderStats {
  private OrderStats() {}

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    String url = System.getenv().getOrDefault("III_URL", "ws://127.0.0.1:49134/");
    try (EngineWorker worker =
        EngineWorker.create(
            WorkerOptions.builder(URI.create(url)).workerName("orders-stats").build())) {
      worker.registerFunction(
          "stats::orders",
          FunctionHandler.sync(
              tick -> {
                JsonNode orders =
                    worker.call("state::list", object(Map.of("scope", text("orders")))).join();
                long count = 0;
                long quantity = 0;
                if (orders != null && orders.isArray()) {
                  for (JsonNode order : orders.values()) {
                    count++;
                    JsonNode qty = order.get("qty");
                    quantity +=
                        qty != null && qty.isNumber() ? qty.getNumberValue().longValue() : 0;
                  }
                }
                JsonNode stats =
                    object(
                        Map.of(
                            "orders", JsonNode.createNumberNode(count),
                            "quantity", JsonNode.createNumberNode(quantity),
                            "at", tick.get("scheduled_time")));
                worker
                    .call(
                        "state::set",
                        object(
                            Map.of("scope", text("stats"), "key", text("orders"), "value", stats)))
                    .join();
                return stats;
              }));
      worker.registerTrigger(
          "cron", "stats::orders", object(Map.of("expression", text("*/10 * * * * *"))));
      worker.start().get();
      System.out.println(
          "orders-stats: aggregating every 10 s into state stats/orders; Ctrl-C stops");
      CountDownLatch forever = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
      forever.await();
    }
  }

  private static JsonNode text(String value) {
    return JsonNode.createStringNode(value);
  }

  private static JsonNode object(Map<String, JsonNode> fields) {
    return JsonNode.createObjectNode(new LinkedHashMap<>(fields));
  }
}

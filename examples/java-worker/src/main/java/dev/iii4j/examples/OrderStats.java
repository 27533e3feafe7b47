package dev.iii4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.WorkerOptions;
import java.net.URI;
import java.util.concurrent.CountDownLatch;

/**
 * The Java half of the order example: every 10 seconds a cron trigger runs {@code stats::orders},
 * which reads the orders the Node half stored in state scope {@code orders} and writes their count
 * and total quantity to {@code stats/orders}.
 *
 * <p>Run with {@code III_URL=ws://127.0.0.1:49134/} against a running stack.
 */
public final class OrderStats {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

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
                    worker.call("state::list", JSON.objectNode().put("scope", "orders")).join();
                long count = 0;
                long quantity = 0;
                if (orders != null && orders.isArray()) {
                  for (JsonNode order : orders) {
                    count++;
                    quantity += order.path("qty").asLong(0);
                  }
                }
                ObjectNode stats = JSON.objectNode().put("orders", count).put("quantity", quantity);
                stats.set("at", tick == null ? null : tick.get("scheduled_time"));
                ObjectNode set = JSON.objectNode().put("scope", "stats").put("key", "orders");
                set.set("value", stats);
                worker.call("state::set", set).join();
                return stats;
              }));
      worker.registerTrigger(
          "cron", "stats::orders", JSON.objectNode().put("expression", "*/10 * * * * *"));
      worker.start().get();
      System.out.println(
          "orders-stats: aggregating every 10 s into state stats/orders; Ctrl-C stops");
      CountDownLatch forever = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
      forever.await();
    }
  }
}

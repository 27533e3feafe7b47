package dev.iii4j.testing;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** Calls through the gateway with JSON text, for readable tests. */
public final class Calls {
  private Calls() {}

  /** {@code prefix} plus a random suffix: a name no other test uses. */
  public static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * The result of a call (null for no result), as a Serde tree like the services use; fails on an
   * error answer.
   */
  public static @Nullable JsonNode call(EngineWorker client, String functionId, String json)
      throws Exception {
    return SerdeTrees.serde(
        client.call(functionId, SerdeTrees.sdk(JsonText.parse(json))).get(15, TimeUnit.SECONDS));
  }

  /** The result as JSON text, without the gateway's injected caller id; "none" for no result. */
  public static String text(EngineWorker client, String functionId, String json) throws Exception {
    JsonNode result = call(client, functionId, json);
    return result == null ? "none" : JsonText.write(stripCaller(result));
  }

  /** The error answer of a call that must fail. */
  public static WorkerException.Remote error(
      EngineWorker client, String functionId, @Nullable String json) throws Exception {
    try {
      client
          .call(
              functionId, SerdeTrees.sdk(json == null ? JsonNode.nullNode() : JsonText.parse(json)))
          .get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WorkerException.Remote remote) {
        return remote;
      }
      throw e;
    }
    throw new AssertionError(functionId + " " + json + " did not fail");
  }

  /** Waits until {@code functionId} (called with {@code {}}) answers through the gateway. */
  public static void awaitAnswer(EngineWorker client, String functionId) {
    Awaitility.await(functionId + " answers")
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () -> {
              call(client, functionId, "{}");
              return true;
            });
  }

  /** {@code node} without the {@code _caller_worker_id} the gateway injects into objects. */
  public static JsonNode stripCaller(JsonNode node) {
    if (node == null || !node.isObject() || node.get("_caller_worker_id") == null) {
      return node;
    }
    Map<String, JsonNode> copy = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.entries()) {
      if (!e.getKey().equals("_caller_worker_id")) {
        copy.put(e.getKey(), e.getValue());
      }
    }
    return JsonNode.createObjectNode(copy);
  }
}

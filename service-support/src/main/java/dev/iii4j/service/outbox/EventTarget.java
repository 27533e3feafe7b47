package dev.iii4j.service.outbox;

import dev.iii4j.sdk.BindingTable;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One trigger an event is to be delivered to, captured when the change commits so that delivery
 * does not depend on which bindings a replica holds later.
 *
 * @param triggerId the trigger's id
 * @param functionId the function the trigger fires
 * @param config the trigger's config (it may name a {@code condition_function_id})
 * @param metadata the trigger's metadata, passed to the handler beside the payload
 */
public record EventTarget(
    String triggerId, String functionId, @Nullable JsonNode config, @Nullable JsonNode metadata) {

  /** Checks the ids. */
  public EventTarget {
    Objects.requireNonNull(triggerId, "triggerId");
    Objects.requireNonNull(functionId, "functionId");
  }

  /**
   * The targets of the bindings in {@code table} whose config (a Serde tree, null when absent) is
   * accepted by {@code filter}, sorted by trigger id: the table is a hash map, and a stable order
   * keeps deliveries reproducible.
   */
  public static List<EventTarget> matching(BindingTable table, Predicate<JsonNode> filter) {
    List<EventTarget> targets = new ArrayList<>();
    for (TriggerBinding binding : table.bindings()) {
      JsonNode config = SerdeTrees.serde(binding.config());
      if (filter.test(config)) {
        targets.add(
            new EventTarget(
                binding.id(), binding.functionId(), config, SerdeTrees.serde(binding.metadata())));
      }
    }
    targets.sort(Comparator.comparing(EventTarget::triggerId));
    return targets;
  }

  /**
   * The targets as the outbox stores them: an array of {@code {trigger_id, function_id, config,
   * metadata}} objects.
   */
  public static JsonNode toJson(List<EventTarget> targets) {
    List<JsonNode> items = new ArrayList<>(targets.size());
    for (EventTarget target : targets) {
      Map<String, JsonNode> fields = new LinkedHashMap<>();
      fields.put("trigger_id", JsonNode.createStringNode(target.triggerId()));
      fields.put("function_id", JsonNode.createStringNode(target.functionId()));
      fields.put("config", target.config() == null ? JsonNode.nullNode() : target.config());
      fields.put("metadata", target.metadata() == null ? JsonNode.nullNode() : target.metadata());
      items.add(JsonNode.createObjectNode(fields));
    }
    return JsonNode.createArrayNode(items);
  }

  /** The targets stored by {@link #toJson}. */
  public static List<EventTarget> fromJson(JsonNode array) {
    List<EventTarget> targets = new ArrayList<>();
    for (JsonNode t : array.values()) {
      targets.add(
          new EventTarget(
              t.get("trigger_id").getStringValue(),
              t.get("function_id").getStringValue(),
              orNull(t.get("config")),
              orNull(t.get("metadata"))));
    }
    return targets;
  }

  private static @Nullable JsonNode orNull(@Nullable JsonNode node) {
    return node == null || node.isNull() ? null : node;
  }
}

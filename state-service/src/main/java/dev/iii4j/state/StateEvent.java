package dev.iii4j.state;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A committed change, as delivered to {@code state} triggers.
 *
 * @param type created, updated or deleted
 * @param scope the scope
 * @param key the key
 * @param oldValue the previous value; null when the key had no entry
 * @param newValue the new value; null for a delete
 */
public record StateEvent(
    StateEventType type,
    String scope,
    String key,
    @Nullable JsonNode oldValue,
    @Nullable JsonNode newValue) {

  /** Checks the required components. */
  public StateEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(key, "key");
  }

  /** How the outbox names this event in its logs: {@code <event_type> <scope>/<key>}. */
  public String describe() {
    return type.wire() + " " + scope + "/" + key;
  }

  /**
   * The payload given to condition functions and handlers: {@code {"type":"state", "event_type",
   * "scope", "key", "old_value", "new_value"}}, absent values as JSON null.
   */
  public JsonNode payload() {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    fields.put("type", JsonNode.createStringNode("state"));
    fields.put("event_type", JsonNode.createStringNode(type.wire()));
    fields.put("scope", JsonNode.createStringNode(scope));
    fields.put("key", JsonNode.createStringNode(key));
    fields.put("old_value", oldValue == null ? JsonNode.nullNode() : oldValue);
    fields.put("new_value", newValue == null ? JsonNode.nullNode() : newValue);
    return JsonNode.createObjectNode(fields);
  }
}

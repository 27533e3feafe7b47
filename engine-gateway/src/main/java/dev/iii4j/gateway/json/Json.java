package dev.iii4j.gateway.json;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for the JSON trees built-in functions answer with. */
public final class Json {
  private final Map<String, JsonNode> fields = new LinkedHashMap<>();

  private Json() {}

  /** A new object builder. */
  public static Json object() {
    return new Json();
  }

  /** Sets a string field; null is written as JSON null. */
  public Json put(String key, @Nullable String value) {
    fields.put(key, value == null ? JsonNode.nullNode() : JsonNode.createStringNode(value));
    return this;
  }

  /** Sets a whole-number field; null is written as JSON null. */
  public Json put(String key, @Nullable Long value) {
    fields.put(key, value == null ? JsonNode.nullNode() : JsonNode.createNumberNode(value));
    return this;
  }

  /** Sets a whole-number field. */
  public Json put(String key, long value) {
    fields.put(key, JsonNode.createNumberNode(value));
    return this;
  }

  /** Sets a boolean field. */
  public Json put(String key, boolean value) {
    fields.put(key, JsonNode.createBooleanNode(value));
    return this;
  }

  /** Sets a tree field; null is written as JSON null. */
  public Json put(String key, @Nullable JsonNode value) {
    fields.put(key, value == null ? JsonNode.nullNode() : value);
    return this;
  }

  /** Sets a field only when the value is not null. */
  public Json putIfPresent(String key, @Nullable JsonNode value) {
    if (value != null) {
      fields.put(key, value);
    }
    return this;
  }

  /** Sets a whole-number field only when the value is not null. */
  public Json putIfPresent(String key, @Nullable Long value) {
    if (value != null) {
      fields.put(key, JsonNode.createNumberNode(value));
    }
    return this;
  }

  /** Sets a string field only when the value is not null. */
  public Json putIfPresent(String key, @Nullable String value) {
    if (value != null) {
      fields.put(key, JsonNode.createStringNode(value));
    }
    return this;
  }

  /** The object. */
  public JsonNode build() {
    return JsonNode.createObjectNode(fields);
  }

  /** An array of trees. */
  public static JsonNode array(Collection<JsonNode> items) {
    return JsonNode.createArrayNode(List.copyOf(items));
  }

  /** A copy of an object with one field set. */
  public static JsonNode with(JsonNode object, String key, JsonNode value) {
    Map<String, JsonNode> copy = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : object.entries()) {
      copy.put(e.getKey(), e.getValue());
    }
    copy.put(key, value);
    return JsonNode.createObjectNode(copy);
  }
}

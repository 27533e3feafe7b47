package dev.iii4j.gateway.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
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
    fields.put(
        key,
        value == null
            ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
            : dev.iii4j.protocol.Json.nodes().textNode(value));
    return this;
  }

  /** Sets a whole-number field; null is written as JSON null. */
  public Json put(String key, @Nullable Long value) {
    fields.put(
        key,
        value == null
            ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
            : dev.iii4j.protocol.Json.nodes().numberNode(value));
    return this;
  }

  /** Sets a whole-number field. */
  public Json put(String key, long value) {
    fields.put(key, dev.iii4j.protocol.Json.nodes().numberNode(value));
    return this;
  }

  /** Sets a boolean field. */
  public Json put(String key, boolean value) {
    fields.put(key, dev.iii4j.protocol.Json.nodes().booleanNode(value));
    return this;
  }

  /** Sets a tree field; null is written as JSON null. */
  public Json put(String key, @Nullable JsonNode value) {
    fields.put(
        key, value == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : value);
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
      fields.put(key, dev.iii4j.protocol.Json.nodes().numberNode(value));
    }
    return this;
  }

  /** Sets a string field only when the value is not null. */
  public Json putIfPresent(String key, @Nullable String value) {
    if (value != null) {
      fields.put(key, dev.iii4j.protocol.Json.nodes().textNode(value));
    }
    return this;
  }

  /** The object. */
  public JsonNode build() {
    return new com.fasterxml.jackson.databind.node.ObjectNode(
        dev.iii4j.protocol.Json.nodes(), fields);
  }

  /** An array of trees. */
  public static JsonNode array(Collection<JsonNode> items) {
    return new com.fasterxml.jackson.databind.node.ArrayNode(
        dev.iii4j.protocol.Json.nodes(), List.copyOf(items));
  }

  /** A copy of an object with one field set. */
  public static JsonNode with(JsonNode object, String key, JsonNode value) {
    Map<String, JsonNode> copy = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      copy.put(e.getKey(), e.getValue());
    }
    copy.put(key, value);
    return new com.fasterxml.jackson.databind.node.ObjectNode(
        dev.iii4j.protocol.Json.nodes(), copy);
  }
}

package dev.iii4j.queue.functions;

import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.sdk.FunctionException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading requests and writing results of the queue's functions. */
final class Requests {
  private Requests() {}

  /** The input as an object, or a {@code deserialization_error} in the reference's words. */
  static JsonNode object(String functionId, @Nullable JsonNode input) {
    if (input == null || !input.isObject()) {
      throw new FunctionException(
          ErrorCode.DESERIALIZATION_ERROR.wire(),
          "Failed to deserialize input for "
              + functionId
              + ": invalid type: "
              + (input == null ? "null" : "non-object")
              + ", expected a map");
    }
    return input;
  }

  /** A required string field. */
  static String requiredText(String functionId, JsonNode input, String field) {
    JsonNode value = input.get(field);
    if (value == null) {
      throw missing(functionId, field);
    }
    if (!value.isString()) {
      throw new FunctionException(
          ErrorCode.DESERIALIZATION_ERROR.wire(),
          "Failed to deserialize input for " + functionId + ": `" + field + "` must be a string");
    }
    return value.getStringValue();
  }

  /** A required field of any type (JSON null allowed, absence not). */
  static JsonNode requiredAny(String functionId, JsonNode input, String field) {
    JsonNode value = input.get(field);
    if (value == null) {
      throw missing(functionId, field);
    }
    return value;
  }

  /** An optional string field; a JSON null counts as absent. */
  static @Nullable String optionalText(JsonNode input, String... fields) {
    for (String field : fields) {
      JsonNode value = input.get(field);
      if (value != null && value.isString()) {
        return value.getStringValue();
      }
    }
    return null;
  }

  /** An optional non-negative integer field. */
  static @Nullable Long optionalNumber(JsonNode input, String field) {
    JsonNode value = input.get(field);
    if (value == null || !value.isNumber()) {
      return null;
    }
    return Math.max(0, value.getLongValue());
  }

  static FunctionException missing(String functionId, String field) {
    return new FunctionException(
        ErrorCode.DESERIALIZATION_ERROR.wire(),
        "Failed to deserialize input for " + functionId + ": missing field `" + field + "`");
  }

  /** Builds a JSON object from alternating keys and values (strings, numbers, nodes, null). */
  static JsonNode json(Object... keysAndValues) {
    Map<String, JsonNode> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], node(keysAndValues[i + 1]));
    }
    return JsonNode.createObjectNode(map);
  }

  static JsonNode node(@Nullable Object value) {
    return switch (value) {
      case null -> JsonNode.nullNode();
      case JsonNode n -> n;
      case String s -> JsonNode.createStringNode(s);
      case Integer n -> JsonNode.createNumberNode(n);
      case Long n -> JsonNode.createNumberNode(n);
      case Boolean b -> JsonNode.createBooleanNode(b);
      default -> JsonNode.createStringNode(value.toString());
    };
  }
}

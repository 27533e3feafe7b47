package dev.iii4j.gateway.builtin;

import dev.iii4j.gateway.WorkerSession;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

/**
 * One call of a built-in function.
 *
 * @param functionId the id called
 * @param data the payload, with {@code _caller_worker_id} injected when it is an object
 * @param metadata the invocation metadata
 * @param caller the calling connection, null for engine-originated calls
 */
public record BuiltinCall(
    String functionId,
    @Nullable JsonNode data,
    @Nullable JsonNode metadata,
    @Nullable WorkerSession caller) {

  /** The input as an object, or a {@code deserialization_error}. */
  public JsonNode object() {
    if (data == null || !data.isObject()) {
      throw BuiltinException.deserialization(
          functionId, "invalid type: " + kind(data) + ", expected a JSON object");
    }
    return data;
  }

  /** A required string field of the input. */
  public String requiredString(String field) {
    JsonNode value = object().get(field);
    if (value == null) {
      throw BuiltinException.deserialization(functionId, "missing field `" + field + "`");
    }
    if (!value.isString()) {
      throw BuiltinException.deserialization(
          functionId, "invalid type for `" + field + "`: " + kind(value) + ", expected a string");
    }
    return value.getStringValue();
  }

  /** An optional string field of the input; absent or null gives null. */
  public @Nullable String optionalString(String field) {
    JsonNode value = object().get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isString()) {
      throw BuiltinException.deserialization(
          functionId, "invalid type for `" + field + "`: " + kind(value) + ", expected a string");
    }
    return value.getStringValue();
  }

  /** An optional boolean field of the input. */
  public boolean flag(String field) {
    JsonNode value = object().get(field);
    return value != null && value.isBoolean() && value.getBooleanValue();
  }

  static String kind(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return "null";
    }
    if (node.isObject()) {
      return "map";
    }
    if (node.isArray()) {
      return "sequence";
    }
    if (node.isString()) {
      return "string";
    }
    if (node.isBoolean()) {
      return "boolean";
    }
    return "number";
  }
}

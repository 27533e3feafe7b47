package dev.iii4j.gateway.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.WorkerSession;
import io.micronaut.core.annotation.Nullable;
import java.util.ArrayList;
import java.util.List;

/**
 * One call of a built-in function.
 *
 * @param functionId the id called
 * @param data the payload, with {@code _caller_worker_id} injected when it is an object
 * @param metadata the invocation metadata
 * @param caller the calling connection, null for engine-originated calls
 * @param baggage the W3C baggage the invocation carried, if any
 */
public record BuiltinCall(
    String functionId,
    @Nullable JsonNode data,
    @Nullable JsonNode metadata,
    @Nullable WorkerSession caller,
    @Nullable String baggage) {

  /** A call without baggage. */
  public BuiltinCall(
      String functionId,
      @Nullable JsonNode data,
      @Nullable JsonNode metadata,
      @Nullable WorkerSession caller) {
    this(functionId, data, metadata, caller, null);
  }

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
    if (!value.isTextual()) {
      throw BuiltinException.deserialization(
          functionId, "invalid type for `" + field + "`: " + kind(value) + ", expected a string");
    }
    return value.textValue();
  }

  /** An optional string field of the input; absent or null gives null. */
  public @Nullable String optionalString(String field) {
    JsonNode value = object().get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw BuiltinException.deserialization(
          functionId, "invalid type for `" + field + "`: " + kind(value) + ", expected a string");
    }
    return value.textValue();
  }

  /**
   * An optional array-of-strings field of the input; absent or null gives null.
   *
   * @throws BuiltinException {@code deserialization_error} when it is not an array of strings
   */
  public @Nullable List<String> optionalStrings(String field) {
    JsonNode value = object().get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isArray()) {
      throw BuiltinException.deserialization(
          functionId, "invalid type for `" + field + "`: " + kind(value) + ", expected a sequence");
    }
    List<String> strings = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw BuiltinException.deserialization(
            functionId,
            "invalid type for `" + field + "` item: " + kind(item) + ", expected a string");
      }
      strings.add(item.textValue());
    }
    return strings;
  }

  /** An optional field of any JSON type; absent or JSON null gives null. */
  public @Nullable JsonNode optionalTree(String field) {
    JsonNode value = object().get(field);
    return value == null || value.isNull() ? null : value;
  }

  /** An optional boolean field of the input. */
  public boolean flag(String field) {
    JsonNode value = object().get(field);
    return value != null && value.isBoolean() && value.booleanValue();
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
    if (node.isTextual()) {
      return "string";
    }
    if (node.isBoolean()) {
      return "boolean";
    }
    return "number";
  }
}

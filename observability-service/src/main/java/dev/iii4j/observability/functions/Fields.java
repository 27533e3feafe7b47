package dev.iii4j.observability.functions;

import dev.iii4j.ops.InvalidRequestException;
import dev.iii4j.ops.Requests;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Optional request fields read as the reference's serde {@code Option}s: absent or null is none, a
 * value of another type is a {@link InvalidRequestException} naming the field.
 */
final class Fields {
  private Fields() {}

  /** The request object; no payload at all reads as an empty request. */
  static JsonNode request(@Nullable JsonNode input) {
    return input == null || input.isNull()
        ? JsonNode.createObjectNode(java.util.Map.of())
        : Requests.object(input);
  }

  static @Nullable String string(JsonNode request, String field) {
    return Requests.optionalString(request, field, "");
  }

  static @Nullable Long unsigned(JsonNode request, String field) {
    JsonNode value = present(request, field);
    if (value == null) {
      return null;
    }
    if (!value.isNumber()
        || value.getDoubleValue() < 0
        || value.getDoubleValue() != Math.rint(value.getDoubleValue())) {
      throw wrong(value, "an unsigned integer", field);
    }
    return value.getLongValue();
  }

  static int count(JsonNode request, String field, int fallback) {
    Long value = unsigned(request, field);
    return value == null ? fallback : (int) Math.min(value, Integer.MAX_VALUE);
  }

  static @Nullable Integer integer(JsonNode request, String field) {
    JsonNode value = present(request, field);
    if (value == null) {
      return null;
    }
    if (!value.isNumber() || value.getDoubleValue() != Math.rint(value.getDoubleValue())) {
      throw wrong(value, "i32", field);
    }
    return value.getIntValue();
  }

  static @Nullable Double decimal(JsonNode request, String field) {
    JsonNode value = present(request, field);
    if (value == null) {
      return null;
    }
    if (!value.isNumber()) {
      throw wrong(value, "f64", field);
    }
    return value.getDoubleValue();
  }

  static boolean flag(JsonNode request, String field) {
    JsonNode value = present(request, field);
    if (value == null) {
      return false;
    }
    if (!value.isBoolean()) {
      throw wrong(value, "a boolean", field);
    }
    return value.getBooleanValue();
  }

  static @Nullable List<String> strings(JsonNode request, String field) {
    JsonNode value = present(request, field);
    if (value == null) {
      return null;
    }
    if (!value.isArray()) {
      throw wrong(value, "a sequence", field);
    }
    List<String> items = new ArrayList<>();
    for (JsonNode item : value.values()) {
      if (!item.isString()) {
        throw wrong(item, "a string", field);
      }
      items.add(item.getStringValue());
    }
    return items;
  }

  static @Nullable List<List<String>> pairs(JsonNode request, String field) {
    JsonNode value = present(request, field);
    if (value == null) {
      return null;
    }
    if (!value.isArray()) {
      throw wrong(value, "a sequence", field);
    }
    List<List<String>> pairs = new ArrayList<>();
    for (JsonNode pair : value.values()) {
      List<String> items = new ArrayList<>();
      if (!pair.isArray()) {
        throw wrong(pair, "a sequence", field);
      }
      for (JsonNode item : pair.values()) {
        if (!item.isString()) {
          throw wrong(item, "a string", field);
        }
        items.add(item.getStringValue());
      }
      pairs.add(items);
    }
    return pairs;
  }

  private static @Nullable JsonNode present(JsonNode request, String field) {
    JsonNode value = request.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private static InvalidRequestException wrong(JsonNode value, String expected, String field) {
    return new InvalidRequestException(
        "invalid type: "
            + Requests.unexpected(value)
            + ", expected "
            + expected
            + " at `"
            + field
            + "`");
  }
}

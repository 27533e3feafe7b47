package dev.iii4j.ops;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads requests the way the reference's serde structs do: required fields (a field typed "any" may
 * be null but not absent), unknown fields ignored (the gateway adds {@code _caller_worker_id}),
 * messages in serde's words plus the path of the offending field. Shared by the services whose
 * functions take such requests (state and stream).
 *
 * <p>Thread-safe; stateless. Every reader throws {@link InvalidRequestException} on a mismatch.
 */
public final class Requests {
  /** The {@code type} values of an update op, in the reference's order. */
  public static final List<String> OP_TYPES =
      List.of("set", "merge", "increment", "decrement", "append", "remove");

  private Requests() {}

  /** The request object; anything else is rejected. */
  public static JsonNode object(@Nullable JsonNode input) {
    if (input == null || !input.isObject()) {
      throw new InvalidRequestException("invalid type: " + unexpected(input) + ", expected a map");
    }
    return input;
  }

  /** A required string field. */
  public static String string(JsonNode object, String field, String where) {
    JsonNode value = object.get(field);
    if (value == null) {
      throw missing(field, where);
    }
    if (!value.isString()) {
      throw new InvalidRequestException(
          "invalid type: "
              + unexpected(value)
              + ", expected a string at `"
              + path(where, field)
              + "`");
    }
    return value.getStringValue();
  }

  /** An optional string field: absent or JSON null give null, any other non-string fails. */
  public static @Nullable String optionalString(JsonNode object, String field, String where) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isString()) {
      throw new InvalidRequestException(
          "invalid type: "
              + unexpected(value)
              + ", expected a string at `"
              + path(where, field)
              + "`");
    }
    return value.getStringValue();
  }

  /** A required field of any JSON type (JSON null allowed). */
  public static JsonNode any(JsonNode object, String field, String where) {
    JsonNode value = object.get(field);
    if (value == null) {
      throw missing(field, where);
    }
    return value;
  }

  /** {@code value}, or its alias {@code data}. */
  public static JsonNode valueOrData(JsonNode object) {
    JsonNode value = object.get("value");
    JsonNode data = object.get("data");
    if (value != null && data != null) {
      throw new InvalidRequestException("duplicate field `value`");
    }
    if (value == null && data == null) {
      throw missing("value", "");
    }
    return value != null ? value : data;
  }

  /** The {@code ops} array of {@code state::update} and {@code stream::update}. */
  public static List<UpdateOp> ops(JsonNode request) {
    JsonNode ops = request.get("ops");
    if (ops == null) {
      throw missing("ops", "");
    }
    if (!ops.isArray()) {
      throw new InvalidRequestException(
          "invalid type: " + unexpected(ops) + ", expected a sequence at `ops`");
    }
    List<UpdateOp> parsed = new ArrayList<>(ops.size());
    int i = 0;
    for (JsonNode op : ops.values()) {
      parsed.add(op(op, "ops[" + i + "]"));
      i++;
    }
    return parsed;
  }

  private static UpdateOp op(JsonNode op, String where) {
    if (!op.isObject()) {
      throw new InvalidRequestException(
          "invalid type: "
              + unexpected(op)
              + ", expected internally tagged enum UpdateOp at `"
              + where
              + "`");
    }
    String type = string(op, "type", where);
    return switch (type) {
      case "set" -> new UpdateOp.Set(string(op, "path", where), op.get("value"));
      case "merge" -> new UpdateOp.Merge(mergePath(op, where), any(op, "value", where));
      case "increment" -> new UpdateOp.Increment(string(op, "path", where), by(op, where));
      case "decrement" -> new UpdateOp.Decrement(string(op, "path", where), by(op, where));
      case "append" -> new UpdateOp.Append(mergePath(op, where), any(op, "value", where));
      case "remove" -> new UpdateOp.Remove(string(op, "path", where));
      default ->
          throw new InvalidRequestException(
              "unknown variant `"
                  + type
                  + "`, expected one of "
                  + String.join(", ", OP_TYPES.stream().map(t -> "`" + t + "`").toList())
                  + " at `"
                  + where
                  + ".type`");
    };
  }

  private static long by(JsonNode op, String where) {
    JsonNode by = op.get("by");
    if (by == null) {
      throw missing("by", where);
    }
    if (by.isNumber()) {
      Number n = JsonText.number(by);
      if (n instanceof Long l) {
        return l;
      }
      if (n instanceof BigInteger) {
        throw new InvalidRequestException(
            "invalid value: integer `" + n + "`, expected i64 at `" + where + ".by`");
      }
    }
    throw new InvalidRequestException(
        "invalid type: " + unexpected(by) + ", expected i64 at `" + where + ".by`");
  }

  /** An absent, null, string or string-array path; {@code ""} and {@code []} mean the root. */
  private static List<String> mergePath(JsonNode op, String where) {
    JsonNode path = op.get("path");
    if (path == null || path.isNull()) {
      return List.of();
    }
    if (path.isString()) {
      return path.getStringValue().isEmpty() ? List.of() : List.of(path.getStringValue());
    }
    if (path.isArray()) {
      List<String> segments = new ArrayList<>(path.size());
      for (JsonNode segment : path.values()) {
        if (!segment.isString()) {
          segments = null;
          break;
        }
        segments.add(segment.getStringValue());
      }
      if (segments != null) {
        return segments;
      }
    }
    throw new InvalidRequestException(
        "data did not match any variant of untagged enum MergePath at `" + where + ".path`");
  }

  private static InvalidRequestException missing(String field, String where) {
    return new InvalidRequestException(
        "missing field `" + field + "`" + (where.isEmpty() ? "" : " at `" + where + "`"));
  }

  private static String path(String where, String field) {
    return where.isEmpty() ? field : where + "." + field;
  }

  /** serde's description of an unexpected value. */
  public static String unexpected(@Nullable JsonNode value) {
    if (value == null || value.isNull()) {
      return "null";
    }
    if (value.isBoolean()) {
      return "boolean `" + value.getBooleanValue() + "`";
    }
    if (value.isNumber()) {
      Number n = JsonText.number(value);
      return n instanceof Double ? "floating point `" + n + "`" : "integer `" + n + "`";
    }
    if (value.isString()) {
      return "string \"" + value.getStringValue() + "\"";
    }
    return value.isArray() ? "sequence" : "map";
  }

  /** The {@code Failed to deserialize input for <id>: <detail>} message. */
  public static String message(String functionId, String detail) {
    return "Failed to deserialize input for " + functionId + ": " + detail;
  }
}

package dev.iii4j.ops;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code update} ops language of state and stream (spec section 2.3): ops run in order on one
 * working copy; a failed op is skipped and reported, later ops still run, and the result is always
 * stored.
 *
 * <p>Thread-safe; stateless. Works on a private mutable copy ({@link Map}, {@link List}, {@link
 * String}, {@link Boolean}, {@link Long}/{@link BigInteger}/{@link Double}, Java null for JSON
 * null).
 */
public final class UpdateOps {
  static final int MAX_PATH_DEPTH = 32;
  static final int MAX_SEGMENT_BYTES = 256;
  static final int MAX_VALUE_DEPTH = 16;
  static final int MAX_VALUE_KEYS = 1024;
  static final Set<String> PROTO_KEYS = Set.of("__proto__", "constructor", "prototype");
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);

  private UpdateOps() {}

  /**
   * The result of applying ops.
   *
   * @param value the value to store
   * @param errors the failed ops, in op order
   */
  public record Result(JsonNode value, List<UpdateOpError> errors) {
    /** Copies the errors. */
    public Result {
      errors = List.copyOf(errors);
    }
  }

  /**
   * The answer of a write of state and stream ({@code set}, {@code update}): {@code {old_value,
   * new_value}}, absent values as JSON null, and {@code errors} (each {@code {op_index, code,
   * message, doc_url}}, {@code doc_url} left out when the error has none) when some op failed.
   *
   * @param previous the value before the write; empty when there was none
   * @param current the value after the write; null when there is none
   * @param errors the failed ops, in op order
   */
  public static JsonNode answer(
      Optional<JsonNode> previous, @Nullable JsonNode current, List<UpdateOpError> errors) {
    Map<String, JsonNode> result = new LinkedHashMap<>();
    result.put("old_value", previous.orElse(JsonNode.nullNode()));
    result.put("new_value", current == null ? JsonNode.nullNode() : current);
    if (!errors.isEmpty()) {
      List<JsonNode> items = new ArrayList<>(errors.size());
      for (UpdateOpError error : errors) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        fields.put("op_index", JsonNode.createNumberNode(error.opIndex()));
        fields.put("code", JsonNode.createStringNode(error.code()));
        fields.put("message", JsonNode.createStringNode(error.message()));
        if (error.docUrl() != null) {
          fields.put("doc_url", JsonNode.createStringNode(error.docUrl()));
        }
        items.add(JsonNode.createObjectNode(fields));
      }
      result.put("errors", JsonNode.createArrayNode(items));
    }
    return JsonNode.createObjectNode(result);
  }

  /**
   * Applies ops to a stored value.
   *
   * @param stored the current value; empty when the key has no entry (the working copy then starts
   *     as {@code {}} marked missing, which changes root increment, decrement and append)
   * @param ops the ops, in order
   */
  public static Result apply(Optional<JsonNode> stored, List<UpdateOp> ops) {
    boolean missing = stored.isEmpty();
    Object current = missing ? new LinkedHashMap<String, Object>() : toJava(stored.get());
    List<UpdateOpError> errors = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      UpdateOp op = ops.get(i);
      List<String> segments = segments(op);
      if (!validPath(op.name(), i, segments, errors)) {
        continue;
      }
      switch (op) {
        case UpdateOp.Set set -> {
          Object value = toJava(set.value());
          if (set.path().isEmpty()) {
            current = value;
            missing = false;
          } else if (current instanceof Map<?, ?>) {
            asMap(current).put(set.path(), value);
            missing = false;
          } else {
            errors.add(notObject(i, "set", set.path(), current));
          }
        }
        case UpdateOp.Merge merge -> {
          if (!validMergeValue(i, merge.value(), errors)) {
            continue;
          }
          Map<String, Object> additions = asMap(toJava(merge.value()));
          if (segments.isEmpty()) {
            // The reference silently ignores a root merge into a non-object.
            if (current instanceof Map<?, ?>) {
              asMap(current).putAll(additions);
              missing = false;
            }
          } else {
            if (!(current instanceof Map<?, ?>)) {
              current = new LinkedHashMap<String, Object>();
            }
            walkOrCreate(asMap(current), segments).putAll(additions);
            missing = false;
          }
        }
        case UpdateOp.Increment inc -> {
          Optional<Object> next =
              numeric(i, "increment", inc.path(), inc.by(), current, missing, errors);
          if (next.isPresent()) {
            current = next.get();
            missing = false;
          }
        }
        case UpdateOp.Decrement dec -> {
          Optional<Object> next =
              numeric(i, "decrement", dec.path(), dec.by(), current, missing, errors);
          if (next.isPresent()) {
            current = next.get();
            missing = false;
          }
        }
        case UpdateOp.Append append -> {
          Object value = toJava(append.value());
          if (segments.isEmpty()) {
            Holder root = new Holder(missing ? null : current);
            if (appendTo(root, value, "root", i, errors)) {
              current = root.value;
              missing = false;
            }
          } else if (!(current instanceof Map<?, ?>)) {
            errors.add(
                UpdateOpError.of(
                    i,
                    "append.target_not_object",
                    "Cannot append at path '"
                        + label(segments)
                        + "': target is "
                        + typeName(current)
                        + ", expected object."));
          } else {
            Map<String, Object> parent =
                segments.size() == 1
                    ? asMap(current)
                    : walkOrCreate(asMap(current), segments.subList(0, segments.size() - 1));
            String leaf = segments.get(segments.size() - 1);
            if (parent.containsKey(leaf)) {
              Holder target = new Holder(parent.get(leaf));
              if (appendTo(target, value, leaf, i, errors)) {
                parent.put(leaf, target.value);
              }
            } else if (segments.size() == 1) {
              parent.put(leaf, initialAppend(value));
            } else {
              // A missing nested leaf is always an array, even for a string value.
              List<Object> items = new ArrayList<>();
              items.add(value);
              parent.put(leaf, items);
            }
            missing = false;
          }
        }
        case UpdateOp.Remove remove -> {
          if (remove.path().isEmpty()) {
            current = null;
            missing = false;
          } else if (current instanceof Map<?, ?>) {
            asMap(current).remove(remove.path());
            missing = false;
          } else {
            errors.add(notObject(i, "remove", remove.path(), current));
          }
        }
      }
    }
    return new Result(toNode(current), errors);
  }

  private static final class Holder {
    @Nullable Object value;

    Holder(@Nullable Object value) {
      this.value = value;
    }
  }

  private static List<String> segments(UpdateOp op) {
    return switch (op) {
      case UpdateOp.Set s -> single(s.path());
      case UpdateOp.Increment s -> single(s.path());
      case UpdateOp.Decrement s -> single(s.path());
      case UpdateOp.Remove s -> single(s.path());
      case UpdateOp.Merge m -> m.path();
      case UpdateOp.Append a -> a.path();
    };
  }

  private static List<String> single(String path) {
    return path.isEmpty() ? List.of() : List.of(path);
  }

  private static boolean validPath(
      String op, int index, List<String> segments, List<UpdateOpError> errors) {
    if (segments.size() > MAX_PATH_DEPTH) {
      errors.add(
          UpdateOpError.of(
              index,
              op + ".path.too_deep",
              "Path depth " + segments.size() + " exceeds maximum of " + MAX_PATH_DEPTH));
      return false;
    }
    for (String segment : segments) {
      if (segment.isEmpty()) {
        errors.add(
            UpdateOpError.of(index, op + ".path.empty_segment", "Path contains an empty segment"));
        return false;
      }
      int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_SEGMENT_BYTES) {
        errors.add(
            UpdateOpError.of(
                index,
                op + ".path.segment_too_long",
                "Path segment of " + bytes + " bytes exceeds maximum of " + MAX_SEGMENT_BYTES));
        return false;
      }
      if (PROTO_KEYS.contains(segment)) {
        errors.add(
            UpdateOpError.of(
                index,
                op + ".path.proto_polluted",
                "Path segment '" + segment + "' is not allowed (prototype pollution)."));
        return false;
      }
    }
    return true;
  }

  private static boolean validMergeValue(int index, JsonNode value, List<UpdateOpError> errors) {
    if (value == null || !value.isObject()) {
      errors.add(
          UpdateOpError.of(
              index, "merge.value.not_an_object", "Merge value must be a JSON object"));
      return false;
    }
    if (value.size() > MAX_VALUE_KEYS) {
      errors.add(
          UpdateOpError.of(
              index,
              "merge.value.too_many_keys",
              "Merge value has "
                  + value.size()
                  + " top-level keys, exceeds maximum of "
                  + MAX_VALUE_KEYS));
      return false;
    }
    for (Map.Entry<String, JsonNode> e : value.entries()) {
      if (PROTO_KEYS.contains(e.getKey())) {
        errors.add(
            UpdateOpError.of(
                index,
                "merge.value.proto_polluted",
                "Merge value top-level key \"" + e.getKey() + "\" is a prototype-pollution sink"));
        return false;
      }
    }
    int depth = depth(value);
    if (depth > MAX_VALUE_DEPTH) {
      errors.add(
          UpdateOpError.of(
              index,
              "merge.value.too_deep",
              "Merge value JSON nesting depth "
                  + depth
                  + " exceeds maximum of "
                  + MAX_VALUE_DEPTH));
      return false;
    }
    return true;
  }

  private static int depth(JsonNode node) {
    if (node == null || !node.isContainerNode()) {
      return 0;
    }
    int max = 0;
    for (JsonNode child : node.values()) {
      max = Math.max(max, depth(child));
    }
    return 1 + max;
  }

  /** Walks literal segments, replacing missing or non-object intermediates by empty objects. */
  private static Map<String, Object> walkOrCreate(Map<String, Object> root, List<String> path) {
    Map<String, Object> node = root;
    for (String segment : path) {
      Object child = node.get(segment);
      if (!(child instanceof Map<?, ?>)) {
        child = new LinkedHashMap<String, Object>();
        node.put(segment, child);
      }
      node = asMap(child);
    }
    return node;
  }

  private static Optional<Object> numeric(
      int index,
      String op,
      String path,
      long by,
      @Nullable Object current,
      boolean missing,
      List<UpdateOpError> errors) {
    boolean increment = op.equals("increment");
    if (path.isEmpty()) {
      if (missing) {
        return Optional.of(increment ? (Object) by : negate(by));
      }
      Number result = current instanceof Number n ? add(n, by, increment) : null;
      if (result == null) {
        errors.add(notNumber(index, op, path, current));
        return Optional.empty();
      }
      return Optional.of(result);
    }
    if (!(current instanceof Map<?, ?>)) {
      errors.add(
          UpdateOpError.of(
              index,
              op + ".target_not_object",
              "Cannot "
                  + op
                  + " at path '"
                  + path
                  + "': target is "
                  + typeName(current)
                  + ", expected object."));
      return Optional.empty();
    }
    Map<String, Object> map = asMap(current);
    if (!map.containsKey(path)) {
      map.put(path, increment ? (Object) by : negate(by));
      return Optional.of(current);
    }
    Object existing = map.get(path);
    Number result = existing instanceof Number n ? add(n, by, increment) : null;
    if (result == null) {
      errors.add(notNumber(index, op, path, existing));
      return Optional.empty();
    }
    map.put(path, result);
    return Optional.of(current);
  }

  /** Checked i64/u64 arithmetic; f64 for doubles; null on overflow or a non-finite result. */
  private static @Nullable Number add(Number n, long by, boolean increment) {
    if (n instanceof Double d) {
      double r = increment ? d + by : d - by;
      return Double.isFinite(r) ? r : null;
    }
    BigInteger value = n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
    BigInteger delta = BigInteger.valueOf(by);
    BigInteger r = increment ? value.add(delta) : value.subtract(delta);
    if (r.compareTo(LONG_MIN) < 0 || r.compareTo(JsonText.U64_MAX) > 0) {
      return null;
    }
    return r.bitLength() < 64 ? (Number) r.longValue() : r;
  }

  private static Number negate(long by) {
    // -i64::MIN does not fit an i64; the reference stores it as the u64 2^63.
    return by == Long.MIN_VALUE ? BigInteger.valueOf(by).negate() : (Number) (-by);
  }

  private static boolean appendTo(
      Holder target, @Nullable Object value, String path, int index, List<UpdateOpError> errors) {
    Object existing = target.value;
    if (existing instanceof List<?>) {
      asList(existing).add(value);
      return true;
    }
    if (existing instanceof String s) {
      if (value instanceof String chunk) {
        target.value = s + chunk;
        return true;
      }
      errors.add(
          UpdateOpError.of(
              index,
              "append.type_mismatch",
              "Expected string append value at path '" + path + "', got " + typeName(value) + "."));
      return false;
    }
    if (existing == null) {
      target.value = initialAppend(value);
      return true;
    }
    errors.add(
        UpdateOpError.of(
            index,
            "append.type_mismatch",
            "Cannot append at path '"
                + path
                + "': target is "
                + typeName(existing)
                + ", expected array, string, null, or missing field."));
    return false;
  }

  private static Object initialAppend(@Nullable Object value) {
    if (value instanceof String) {
      return value;
    }
    List<Object> items = new ArrayList<>();
    items.add(value);
    return items;
  }

  private static UpdateOpError notObject(int index, String op, String path, @Nullable Object at) {
    return UpdateOpError.of(
        index,
        op + ".target_not_object",
        "Cannot "
            + op
            + " at path '"
            + (path.isEmpty() ? "root" : path)
            + "': target is "
            + typeName(at)
            + ", expected object.");
  }

  private static UpdateOpError notNumber(int index, String op, String path, @Nullable Object at) {
    return UpdateOpError.of(
        index,
        op + ".not_number",
        "Expected number at path '"
            + (path.isEmpty() ? "root" : path)
            + "', got "
            + typeName(at)
            + ".");
  }

  private static String label(List<String> segments) {
    return segments.isEmpty() ? "root" : "[" + String.join(", ", segments) + "]";
  }

  private static String typeName(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Boolean) {
      return "boolean";
    }
    if (value instanceof Number) {
      return "number";
    }
    if (value instanceof String) {
      return "string";
    }
    return value instanceof List<?> ? "array" : "object";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object value) {
    return (List<Object>) value;
  }

  private static @Nullable Object toJava(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.getBooleanValue();
    }
    if (node.isString()) {
      return node.getStringValue();
    }
    if (node.isNumber()) {
      return JsonText.number(node);
    }
    if (node.isArray()) {
      List<Object> items = new ArrayList<>(node.size());
      for (JsonNode item : node.values()) {
        items.add(toJava(item));
      }
      return items;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.entries()) {
      map.put(e.getKey(), toJava(e.getValue()));
    }
    return map;
  }

  private static JsonNode toNode(@Nullable Object value) {
    if (value == null) {
      return JsonNode.nullNode();
    }
    if (value instanceof Boolean b) {
      return JsonNode.createBooleanNode(b);
    }
    if (value instanceof String s) {
      return JsonNode.createStringNode(s);
    }
    if (value instanceof Number n) {
      return JsonText.numberNode(n);
    }
    if (value instanceof List<?> list) {
      List<JsonNode> items = new ArrayList<>(list.size());
      for (Object item : list) {
        items.add(toNode(item));
      }
      return JsonNode.createArrayNode(items);
    }
    Map<String, JsonNode> map = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : asMap(value).entrySet()) {
      map.put(e.getKey(), toNode(e.getValue()));
    }
    return JsonNode.createObjectNode(map);
  }
}

package dev.iii4j.observability;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One alert rule, in the reference's shape ({@code name}, {@code metric}, {@code threshold}, {@code
 * operator} (default {@code >}), {@code window_seconds} (60), {@code action} ({@code {type: log}}
 * by default, {@code {type: webhook, url}}, {@code {type: function, path}}), {@code enabled}
 * (true), {@code cooldown_seconds} (60)). Here the rules come from {@code
 * ENGINE_OBSERVABILITY_ALERTS}, a JSON array of them, where the reference reads its config file.
 *
 * @param actionTarget the webhook's URL or the function's id; null for {@code log}
 */
public record AlertRule(
    String name,
    String metric,
    double threshold,
    Operator operator,
    long windowSeconds,
    String action,
    @Nullable String actionTarget,
    boolean enabled,
    long cooldownSeconds) {

  /** A comparison, named as the reference serializes it in rules and in states. */
  public enum Operator {
    GREATER_THAN("greaterthan", "GreaterThan", ">"),
    GREATER_THAN_OR_EQUAL("greaterthanorequal", "GreaterThanOrEqual", ">="),
    LESS_THAN("lessthan", "LessThan", "<"),
    LESS_THAN_OR_EQUAL("lessthanorequal", "LessThanOrEqual", "<="),
    EQUAL("equal", "Equal", "=="),
    NOT_EQUAL("notequal", "NotEqual", "!=");

    private final String wire;
    private final String display;
    private final String symbol;

    Operator(String wire, String display, String symbol) {
      this.wire = wire;
      this.display = display;
      this.symbol = symbol;
    }

    /** As a rule is serialized ({@code greaterthan}, ...). */
    public String wire() {
      return wire;
    }

    /** As a state or an event names it ({@code GreaterThan}, ...), like the reference. */
    public String display() {
      return display;
    }

    /** Whether {@code value} compared with {@code threshold} holds (equality within epsilon). */
    public boolean test(double value, double threshold) {
      return switch (this) {
        case GREATER_THAN -> value > threshold;
        case GREATER_THAN_OR_EQUAL -> value >= threshold;
        case LESS_THAN -> value < threshold;
        case LESS_THAN_OR_EQUAL -> value <= threshold;
        case EQUAL -> Math.abs(value - threshold) < Math.ulp(1.0);
        case NOT_EQUAL -> Math.abs(value - threshold) >= Math.ulp(1.0);
      };
    }

    static Operator of(String text) {
      for (Operator o : values()) {
        if (o.wire.equals(text.toLowerCase(Locale.ROOT)) || o.symbol.equals(text)) {
          return o;
        }
      }
      throw new IllegalArgumentException(
          "unknown operator `" + text + "` (>, >=, <, <=, ==, != or their names)");
    }
  }

  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "metric",
          "threshold",
          "operator",
          "window_seconds",
          "action",
          "enabled",
          "cooldown_seconds");

  /**
   * The rules of a JSON array.
   *
   * @throws IllegalArgumentException naming the rule and field that is wrong
   */
  public static List<AlertRule> parse(JsonNode array) {
    if (!array.isArray()) {
      throw new IllegalArgumentException("alert rules must be a JSON array");
    }
    List<AlertRule> rules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int index = 0;
    for (JsonNode rule : array.values()) {
      String where = "alert rule " + index++;
      if (!rule.isObject()) {
        throw new IllegalArgumentException(where + " is not an object");
      }
      for (Map.Entry<String, JsonNode> e : rule.entries()) {
        if (!FIELDS.contains(e.getKey())) {
          throw new IllegalArgumentException(where + ": unknown field `" + e.getKey() + "`");
        }
      }
      String name = text(rule, "name", where, null);
      where = "alert rule `" + name + "`";
      if (!names.add(name)) {
        throw new IllegalArgumentException(where + " is defined twice");
      }
      String metric = text(rule, "metric", where, null);
      JsonNode threshold = rule.get("threshold");
      if (threshold == null || !threshold.isNumber()) {
        throw new IllegalArgumentException(where + ": `threshold` must be a number");
      }
      Operator operator;
      try {
        operator = Operator.of(text(rule, "operator", where, ">"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
      long window = positive(rule, "window_seconds", where);
      long cooldown = positive(rule, "cooldown_seconds", where);
      JsonNode enabled = rule.get("enabled");
      if (enabled != null && !enabled.isBoolean()) {
        throw new IllegalArgumentException(where + ": `enabled` must be a boolean");
      }
      String action = "log";
      String target = null;
      JsonNode a = rule.get("action");
      if (a != null) {
        if (!a.isObject()) {
          throw new IllegalArgumentException(where + ": `action` must be an object");
        }
        action = text(a, "type", where + " action", null);
        switch (action) {
          case "log" -> {}
          case "webhook" -> target = text(a, "url", where + " action", null);
          case "function" -> target = text(a, "path", where + " action", null);
          default ->
              throw new IllegalArgumentException(
                  where + ": action type `" + action + "` is not log, webhook or function");
        }
      }
      rules.add(
          new AlertRule(
              name,
              metric,
              threshold.getDoubleValue(),
              operator,
              window,
              action,
              target,
              enabled == null || enabled.getBooleanValue(),
              cooldown));
    }
    return List.copyOf(rules);
  }

  /** The rule as {@code engine::alerts::list} returns it in {@code rules}. */
  public JsonNode doc() {
    Map<String, JsonNode> actionDoc = new LinkedHashMap<>();
    actionDoc.put("type", JsonNode.createStringNode(action));
    if (actionTarget != null) {
      actionDoc.put(
          action.equals("webhook") ? "url" : "path", JsonNode.createStringNode(actionTarget));
    }
    Map<String, JsonNode> doc = new LinkedHashMap<>();
    doc.put("name", JsonNode.createStringNode(name));
    doc.put("metric", JsonNode.createStringNode(metric));
    doc.put("threshold", JsonNode.createNumberNode(threshold));
    doc.put("operator", JsonNode.createStringNode(operator.wire()));
    doc.put("window_seconds", JsonNode.createNumberNode(windowSeconds));
    doc.put("action", JsonNode.createObjectNode(actionDoc));
    doc.put("enabled", JsonNode.createBooleanNode(enabled));
    doc.put("cooldown_seconds", JsonNode.createNumberNode(cooldownSeconds));
    return JsonNode.createObjectNode(doc);
  }

  private static String text(
      JsonNode object, String field, String where, @Nullable String fallback) {
    JsonNode value = object.get(field);
    if (value == null && fallback != null) {
      return fallback;
    }
    if (value == null || !value.isString() || value.getStringValue().isBlank()) {
      throw new IllegalArgumentException(where + ": `" + field + "` must be a non-empty string");
    }
    return value.getStringValue();
  }

  private static long positive(JsonNode rule, String field, String where) {
    JsonNode value = rule.get(field);
    if (value == null) {
      return 60;
    }
    if (!value.isNumber()
        || value.getDoubleValue() < 1
        || value.getDoubleValue() != Math.rint(value.getDoubleValue())) {
      throw new IllegalArgumentException(where + ": `" + field + "` must be an integer >= 1");
    }
    return value.getLongValue();
  }
}

package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The payload of {@code iii trigger} from its arguments, with the reference CLI's rules: {@code
 * key=value} pairs make an object, each value JSON-decoded when it parses ({@code count=10} is 10,
 * {@code ok=true} is true) and a string otherwise; {@code --json} (or our positional JSON, {@code
 * -} for standard input, or {@code --file}) is the base the pairs are shallow-merged over, and must
 * then be an object. Nothing at all is {@code {}}.
 *
 * <p>A positional argument is a JSON payload when it starts with {@code {}, {@code [} or {@code "},
 * is {@code -}, or has no {@code =} and parses as JSON (a number, {@code true}, {@code null});
 * otherwise it is a {@code key=value} pair split at its first {@code =}.
 */
final class TriggerPayload {
  private TriggerPayload() {}

  /** Where the base payload came from, for messages, and its text. */
  record Base(String source, String text) {}

  /**
   * Builds the payload.
   *
   * @param arguments the positional arguments after the function id
   * @param json the {@code --json} value, or null
   * @param file the payload read from {@code --file} (source and text), or null
   * @param stdin reads standard input, called at most once and only when an argument is {@code -}
   * @throws CliException with {@link ExitCodes#USAGE} naming the argument at fault
   */
  static JsonNode resolve(
      List<String> arguments, @Nullable String json, @Nullable Base file, Supplier<String> stdin) {
    Map<String, JsonNode> pairs = new LinkedHashMap<>();
    Base base = null;
    if (json != null) {
      base = new Base("--json", json);
    }
    if (file != null) {
      base = only(base, file);
    }
    for (String argument : arguments) {
      if (argument.equals("-")) {
        base = only(base, new Base("standard input", stdin.get()));
      } else if (isJson(argument)) {
        base = only(base, new Base("argument", argument));
      } else {
        int eq = argument.indexOf('=');
        if (eq < 0) {
          throw new CliException(
              ExitCodes.USAGE,
              "expected key=value or a JSON payload, got `"
                  + argument
                  + "` (see iii trigger --help)");
        }
        if (eq == 0) {
          throw new CliException(
              ExitCodes.USAGE, "payload key must not be empty (got `" + argument + "`)");
        }
        pairs.put(argument.substring(0, eq), value(argument.substring(eq + 1)));
      }
    }
    JsonNode baseValue = base == null ? null : parse(base);
    if (pairs.isEmpty()) {
      return baseValue != null
          ? baseValue
          : new com.fasterxml.jackson.databind.node.ObjectNode(
              dev.iii4j.protocol.Json.nodes(), Map.of());
    }
    if (baseValue == null) {
      return new com.fasterxml.jackson.databind.node.ObjectNode(
          dev.iii4j.protocol.Json.nodes(), pairs);
    }
    if (!baseValue.isObject()) {
      throw new CliException(
          ExitCodes.USAGE,
          "the payload ("
              + base.source()
              + ") must be a JSON object when combined with key=value pairs");
    }
    Map<String, JsonNode> merged = new LinkedHashMap<>();
    baseValue.properties().forEach(e -> merged.put(e.getKey(), e.getValue()));
    merged.putAll(pairs);
    return new com.fasterxml.jackson.databind.node.ObjectNode(
        dev.iii4j.protocol.Json.nodes(), merged);
  }

  private static Base only(@Nullable Base earlier, Base next) {
    if (earlier != null) {
      throw new CliException(
          ExitCodes.USAGE,
          "the payload is given twice ("
              + earlier.source()
              + " and "
              + next.source()
              + "); give one base payload and add key=value pairs");
    }
    return next;
  }

  private static boolean isJson(String argument) {
    String t = argument.stripLeading();
    if (t.startsWith("{") || t.startsWith("[") || t.startsWith("\"")) {
      return true;
    }
    if (argument.indexOf('=') >= 0) {
      return false;
    }
    try {
      JsonText.parse(argument);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static JsonNode value(String text) {
    try {
      return JsonText.parse(text);
    } catch (IllegalArgumentException e) {
      return dev.iii4j.protocol.Json.nodes().textNode(text);
    }
  }

  private static JsonNode parse(Base base) {
    try {
      return JsonText.parse(base.text());
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "the payload (" + base.source() + ") is not valid JSON: " + e.getMessage());
    }
  }
}

package dev.iii4j.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import java.util.regex.Pattern;

/**
 * One entry of a listener's {@code expose-functions}: a glob on the function id, or a required
 * metadata value.
 */
public sealed interface ExposeFilter {

  /** Whether a function with this id and metadata passes the filter. */
  boolean matches(String functionId, @Nullable JsonNode metadata);

  /**
   * Parses a filter: {@code match(glob)} or a bare glob matches the id ({@code *} is any run of
   * characters, anchored at both ends); {@code metadata.<key>=<value>} requires the metadata key to
   * equal the value, given as JSON ({@code true}, {@code 3}, {@code "x"}), a bare string, or {@code
   * match(glob)}.
   *
   * @throws IllegalArgumentException for an empty filter
   */
  static ExposeFilter parse(String text) {
    String filter = text.trim();
    if (filter.isEmpty()) {
      throw new IllegalArgumentException("empty expose filter");
    }
    if (filter.startsWith("metadata.") && filter.indexOf('=') > "metadata.".length()) {
      int eq = filter.indexOf('=');
      return new Metadata(
          filter.substring("metadata.".length(), eq).trim(),
          ValueMatch.parse(filter.substring(eq + 1).trim()));
    }
    return new IdGlob(Glob.compile(unwrapMatch(filter)));
  }

  private static String unwrapMatch(String text) {
    if (text.startsWith("match(") && text.endsWith(")")) {
      String inner = text.substring("match(".length(), text.length() - 1).trim();
      if (inner.length() >= 2 && inner.startsWith("\"") && inner.endsWith("\"")) {
        inner = inner.substring(1, inner.length() - 1);
      }
      return inner;
    }
    return text;
  }

  /**
   * Matches ids against a glob.
   *
   * @param pattern the compiled glob
   */
  record IdGlob(Pattern pattern) implements ExposeFilter {
    @Override
    public boolean matches(String functionId, @Nullable JsonNode metadata) {
      return pattern.matcher(functionId).matches();
    }
  }

  /**
   * Requires a metadata key's value.
   *
   * @param key the metadata key
   * @param value what its value must be
   */
  record Metadata(String key, ValueMatch value) implements ExposeFilter {
    @Override
    public boolean matches(String functionId, @Nullable JsonNode metadata) {
      if (metadata == null || !metadata.isObject()) {
        return false;
      }
      JsonNode actual = metadata.get(key);
      return actual != null && value.matches(actual);
    }
  }

  /** A required metadata value: an exact JSON scalar, or a glob over a string. */
  sealed interface ValueMatch {
    boolean matches(JsonNode actual);

    static ValueMatch parse(String text) {
      if (text.startsWith("match(") && text.endsWith(")")) {
        return new GlobValue(Glob.compile(unwrapMatch(text)));
      }
      if (text.equals("true") || text.equals("false")) {
        return new Exact(dev.iii4j.protocol.Json.nodes().booleanNode(Boolean.parseBoolean(text)));
      }
      if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
        return new Exact(
            dev.iii4j.protocol.Json.nodes().textNode(text.substring(1, text.length() - 1)));
      }
      try {
        return new Exact(
            dev.iii4j.protocol.Json.nodes().numberNode(new java.math.BigDecimal(text)));
      } catch (NumberFormatException notANumber) {
        return new Exact(dev.iii4j.protocol.Json.nodes().textNode(text));
      }
    }
  }

  /**
   * An exact value; numbers compare by value.
   *
   * @param expected the value
   */
  record Exact(JsonNode expected) implements ValueMatch {
    @Override
    public boolean matches(JsonNode actual) {
      if (expected.isNumber() && actual.isNumber()) {
        return new java.math.BigDecimal(expected.numberValue().toString())
                .compareTo(new java.math.BigDecimal(actual.numberValue().toString()))
            == 0;
      }
      return expected.equals(actual);
    }
  }

  /**
   * A glob over a string value.
   *
   * @param pattern the compiled glob
   */
  record GlobValue(Pattern pattern) implements ValueMatch {
    @Override
    public boolean matches(JsonNode actual) {
      return actual.isTextual() && pattern.matcher(actual.textValue()).matches();
    }
  }

  /** Globs where {@code *} is any run of characters and everything else is literal. */
  final class Glob {
    private Glob() {}

    static Pattern compile(String glob) {
      StringBuilder regex = new StringBuilder();
      for (String part : glob.split("\\*", -1)) {
        if (!regex.isEmpty()) {
          regex.append(".*");
        }
        regex.append(Pattern.quote(part));
      }
      return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
  }
}

package dev.iii4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON text in and out for the CLI, on jackson-core's streaming parser and generator: strict
 * parsing (one value, nothing after it) and pretty output with two-space indentation, {@code "key":
 * value} and {@code {}} / {@code []} for empty containers. Numbers keep their integer or decimal
 * form. Thread-safe.
 */
final class JsonText {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private JsonText() {}

  /**
   * Parses exactly one JSON value.
   *
   * @throws IllegalArgumentException naming the problem and its position when the text is not one
   *     JSON value
   */
  static JsonNode parse(String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new IllegalArgumentException("no JSON value (the text is empty)");
      }
      JsonNode value = read(parser, first);
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException(
            "unexpected text after the JSON value at line "
                + parser.currentLocation().getLineNr()
                + ", column "
                + parser.currentLocation().getColumnNr());
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage() + locationOf(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  private static JsonNode read(JsonParser p, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
          String name = p.currentName();
          fields.put(name, read(p, p.nextToken()));
        }
        yield new com.fasterxml.jackson.databind.node.ObjectNode(
            dev.iii4j.protocol.Json.nodes(), fields);
      }
      case START_ARRAY -> {
        List<JsonNode> items = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          items.add(read(p, t));
        }
        yield new com.fasterxml.jackson.databind.node.ArrayNode(
            dev.iii4j.protocol.Json.nodes(), items);
      }
      case VALUE_STRING -> dev.iii4j.protocol.Json.nodes().textNode(p.getText());
      case VALUE_NUMBER_INT ->
          switch (p.getNumberType()) {
            case INT -> dev.iii4j.protocol.Json.nodes().numberNode(p.getIntValue());
            case LONG -> dev.iii4j.protocol.Json.nodes().numberNode(p.getLongValue());
            default -> dev.iii4j.protocol.Json.nodes().numberNode(p.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> dev.iii4j.protocol.Json.nodes().numberNode(p.getDoubleValue());
      case VALUE_TRUE -> dev.iii4j.protocol.Json.nodes().booleanNode(true);
      case VALUE_FALSE -> dev.iii4j.protocol.Json.nodes().booleanNode(false);
      case VALUE_NULL -> com.fasterxml.jackson.databind.node.NullNode.getInstance();
      default -> throw new IllegalArgumentException("unexpected JSON token " + token);
    };
  }

  /** The value as indented JSON; Java null is written as {@code null}. */
  static String pretty(@Nullable JsonNode value) {
    return write(value, true);
  }

  /** The value as compact JSON on one line; Java null is written as {@code null}. */
  static String compact(@Nullable JsonNode value) {
    return write(value, false);
  }

  private static String write(@Nullable JsonNode value, boolean pretty) {
    try {
      return pretty
          ? Json.mapper().writer(new Indented()).writeValueAsString(value)
          : Json.text(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Two-space indentation, one entry per line, {@code {}} and {@code []} when empty. */
  private static final class Indented
      implements PrettyPrinter, com.fasterxml.jackson.core.util.Instantiatable<Indented> {
    private int depth;

    @Override
    public Indented createInstance() {
      return new Indented();
    }

    private void newline(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
      for (int i = 0; i < depth; i++) {
        g.writeRaw("  ");
      }
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      g.writeRaw('{');
      depth++;
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
      newline(g);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(',');
      newline(g);
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
      depth--;
      if (entries > 0) {
        newline(g);
      }
      g.writeRaw('}');
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      g.writeRaw('[');
      depth++;
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
      newline(g);
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(',');
      newline(g);
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
      depth--;
      if (values > 0) {
        newline(g);
      }
      g.writeRaw(']');
    }
  }

  /** A string field of an object, or null when absent or not a string. */
  static @Nullable String text(@Nullable JsonNode object, String field) {
    JsonNode value = object == null ? null : object.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  /** A field rendered for a table cell: strings as they are, other values as compact JSON. */
  static String cell(@Nullable JsonNode object, String field) {
    JsonNode value = object == null ? null : object.get(field);
    if (value == null || value.isNull()) {
      return "";
    }
    return value.isTextual() ? value.textValue() : compact(value);
  }

  /** The {@link #cell}s of {@code fields} of one row, in order. */
  static String[] cells(@Nullable JsonNode object, String... fields) {
    String[] cells = new String[fields.length];
    for (int i = 0; i < fields.length; i++) {
      cells[i] = cell(object, fields[i]);
    }
    return cells;
  }

  /** Builds an object from alternating names and values; null values are left out. */
  static JsonNode object(Object... namesAndValues) {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      String name = (String) namesAndValues[i];
      Object value = namesAndValues[i + 1];
      switch (value) {
        case null -> {}
        case JsonNode n -> fields.put(name, n);
        case String s -> fields.put(name, dev.iii4j.protocol.Json.nodes().textNode(s));
        case Boolean b -> fields.put(name, dev.iii4j.protocol.Json.nodes().booleanNode(b));
        case Integer n -> fields.put(name, dev.iii4j.protocol.Json.nodes().numberNode(n));
        case Long n -> fields.put(name, dev.iii4j.protocol.Json.nodes().numberNode(n));
        default -> throw new IllegalArgumentException("unsupported value for " + name);
      }
    }
    return new com.fasterxml.jackson.databind.node.ObjectNode(
        dev.iii4j.protocol.Json.nodes(), fields);
  }
}

package dev.iii4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.PrettyPrinter;
import dev.iii4j.protocol.JsonWriter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        yield JsonNode.createObjectNode(fields);
      }
      case START_ARRAY -> {
        List<JsonNode> items = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          items.add(read(p, t));
        }
        yield JsonNode.createArrayNode(items);
      }
      case VALUE_STRING -> JsonNode.createStringNode(p.getText());
      case VALUE_NUMBER_INT ->
          switch (p.getNumberType()) {
            case INT -> JsonNode.createNumberNode(p.getIntValue());
            case LONG -> JsonNode.createNumberNode(p.getLongValue());
            default -> JsonNode.createNumberNode(p.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> JsonNode.createNumberNode(p.getDoubleValue());
      case VALUE_TRUE -> JsonNode.createBooleanNode(true);
      case VALUE_FALSE -> JsonNode.createBooleanNode(false);
      case VALUE_NULL -> JsonNode.nullNode();
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
    return JsonWriter.text(value, pretty ? new Indented() : null, JsonWriter::number);
  }

  /** Two-space indentation, one entry per line, {@code {}} and {@code []} when empty. */
  private static final class Indented implements PrettyPrinter {
    private int depth;

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
    return value != null && value.isString() ? value.getStringValue() : null;
  }

  /** A field rendered for a table cell: strings as they are, other values as compact JSON. */
  static String cell(@Nullable JsonNode object, String field) {
    JsonNode value = object == null ? null : object.get(field);
    if (value == null || value.isNull()) {
      return "";
    }
    return value.isString() ? value.getStringValue() : compact(value);
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
        case String s -> fields.put(name, JsonNode.createStringNode(s));
        case Boolean b -> fields.put(name, JsonNode.createBooleanNode(b));
        case Integer n -> fields.put(name, JsonNode.createNumberNode(n));
        case Long n -> fields.put(name, JsonNode.createNumberNode(n));
        default -> throw new IllegalArgumentException("unsupported value for " + name);
      }
    }
    return JsonNode.createObjectNode(fields);
  }
}

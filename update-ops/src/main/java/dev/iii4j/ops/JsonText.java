package dev.iii4j.ops;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text for storage, with the number rules of the reference engine (serde_json): an integer
 * literal in the i64/u64 range stays an integer, any other number is a double. PostgreSQL {@code
 * jsonb} keeps numbers as {@code numeric}, so this is what keeps integers integers across a round
 * trip. Written with Jackson's streaming API because Serde's tree writer fails on deep payloads.
 *
 * <p>Thread-safe; stateless.
 */
public final class JsonText {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();
  static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private JsonText() {}

  /**
   * Writes a node as compact JSON; a Java null is written as {@code null}.
   *
   * @throws IllegalArgumentException for a non-finite number
   */
  public static String write(JsonNode node) {
    return JsonWriter.text(node, null, JsonText::writeNumber);
  }

  /**
   * Parses JSON text.
   *
   * @throws IllegalArgumentException when the text is not one JSON value
   */
  public static JsonNode parse(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken token = p.nextToken();
      if (token == null) {
        throw new IllegalArgumentException("empty JSON text");
      }
      JsonNode node = read(p, token);
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("trailing data after the JSON value");
      }
      return node;
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The number of a node in the engine's model: {@link Long} or {@link BigInteger} (up to u64 max)
   * for integers, {@link Double} for everything else.
   */
  public static Number number(JsonNode node) {
    return normalise(node.getNumberValue());
  }

  private static Number normalise(Number n) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return n.longValue();
    }
    if (n instanceof BigInteger big) {
      return integer(big);
    }
    return n.doubleValue();
  }

  /** An integer as the engine keeps it: a long, a u64 as BigInteger, or beyond that a double. */
  static Number integer(BigInteger value) {
    if (value.bitLength() < 64) {
      return value.longValue();
    }
    if (value.signum() > 0 && value.compareTo(U64_MAX) <= 0) {
      return value;
    }
    return value.doubleValue();
  }

  /** A node for a number of the engine's model. */
  public static JsonNode numberNode(Number n) {
    if (n instanceof Long l) {
      return JsonNode.createNumberNode(l.longValue());
    }
    if (n instanceof BigInteger b) {
      return JsonNode.createNumberNode(b);
    }
    return JsonNode.createNumberNode(n.doubleValue());
  }

  /** The JSON type name used in messages: null, boolean, number, string, array or object. */
  public static String typeName(JsonNode node) {
    if (node == null || node.isNull()) {
      return "null";
    }
    if (node.isBoolean()) {
      return "boolean";
    }
    if (node.isNumber()) {
      return "number";
    }
    if (node.isString()) {
      return "string";
    }
    return node.isArray() ? "array" : "object";
  }

  /** Writes a number as the engine keeps it; non-finite numbers are refused. */
  private static void writeNumber(JsonGenerator g, Number value) throws IOException {
    Number n = normalise(value);
    if (n instanceof Long l) {
      g.writeNumber(l.longValue());
    } else if (n instanceof BigInteger b) {
      g.writeNumber(b);
    } else {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("numbers must be finite: " + d);
      }
      g.writeNumber(d);
    }
  }

  private static JsonNode read(JsonParser p, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT -> {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          fields.put(name, read(p, p.nextToken()));
        }
        return JsonNode.createObjectNode(fields);
      }
      case START_ARRAY -> {
        List<JsonNode> items = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          items.add(read(p, t));
        }
        return JsonNode.createArrayNode(items);
      }
      case VALUE_STRING -> {
        return JsonNode.createStringNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return numberNode(integer(p.getBigIntegerValue()));
      }
      case VALUE_NUMBER_FLOAT -> {
        // jsonb may print a float such as 1e300 without a point; either way serde reads f64.
        return JsonNode.createNumberNode(new BigDecimal(p.getText()).doubleValue());
      }
      case VALUE_TRUE -> {
        return JsonNode.createBooleanNode(true);
      }
      case VALUE_FALSE -> {
        return JsonNode.createBooleanNode(false);
      }
      case VALUE_NULL -> {
        return JsonNode.nullNode();
      }
      default -> throw new IOException("unexpected token " + token);
    }
  }
}

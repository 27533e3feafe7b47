package dev.iii4j.ops;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * The one streaming JSON writer of the project: writes a {@link JsonNode} with Jackson's generator,
 * field by field. Frames, the CLI's output and the state/stream update operations all write through
 * it. Serde's own tree writer is not used because it fails on payloads nested more than 65 levels
 * deep, which real workers send.
 *
 * <p>Numbers are written as the node holds them unless the caller passes its own {@link
 * NumberWriter} (the update operations normalise numbers the way the reference engine does). A Java
 * null is written as JSON {@code null}. Thread-safe; stateless.
 */
public final class JsonWriter {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  /** Writes one number to a generator. */
  @FunctionalInterface
  public interface NumberWriter {
    /** Writes {@code number}. */
    void write(JsonGenerator g, Number number) throws IOException;
  }

  private JsonWriter() {}

  /** {@code node} as compact JSON text, numbers as they are. */
  public static String text(@Nullable JsonNode node) {
    return text(node, null, JsonWriter::number);
  }

  /** {@code node} as compact JSON in UTF-8 bytes, numbers as they are (no text in between). */
  public static byte[] bytes(@Nullable JsonNode node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, node, JsonWriter::number);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * {@code node} as JSON text, laid out by {@code pretty} (compact when null), numbers written by
   * {@code numbers}.
   */
  public static String text(
      @Nullable JsonNode node, @Nullable PrettyPrinter pretty, NumberWriter numbers) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      if (pretty != null) {
        g.setPrettyPrinter(pretty);
      }
      write(g, node, numbers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Writes {@code node} to {@code g}, numbers as they are. */
  public static void write(JsonGenerator g, @Nullable JsonNode node) throws IOException {
    write(g, node, JsonWriter::number);
  }

  /**
   * Writes {@code node} to {@code g}, numbers through {@code numbers}.
   *
   * @throws IllegalArgumentException for a node that is none of the JSON types
   */
  public static void write(JsonGenerator g, @Nullable JsonNode node, NumberWriter numbers)
      throws IOException {
    if (node == null || node.isNull()) {
      g.writeNull();
    } else if (node.isObject()) {
      g.writeStartObject();
      for (Map.Entry<String, JsonNode> field : node.entries()) {
        g.writeFieldName(field.getKey());
        write(g, field.getValue(), numbers);
      }
      g.writeEndObject();
    } else if (node.isArray()) {
      g.writeStartArray();
      for (JsonNode item : node.values()) {
        write(g, item, numbers);
      }
      g.writeEndArray();
    } else if (node.isString()) {
      g.writeString(node.getStringValue());
    } else if (node.isBoolean()) {
      g.writeBoolean(node.getBooleanValue());
    } else if (node.isNumber()) {
      numbers.write(g, node.getNumberValue());
    } else {
      throw new IllegalArgumentException("unsupported JSON node " + node.getClass().getName());
    }
  }

  /** Writes a number in the form its Java type has (integer or decimal). */
  public static void number(JsonGenerator g, Number n) throws IOException {
    switch (n) {
      case Integer i -> g.writeNumber(i);
      case Long l -> g.writeNumber(l);
      case Short s -> g.writeNumber(s);
      case Byte b -> g.writeNumber(b);
      case BigInteger b -> g.writeNumber(b);
      case BigDecimal d -> g.writeNumber(d);
      case Float f -> g.writeNumber(f);
      case Double d -> g.writeNumber(d);
      default -> g.writeNumber(n.toString());
    }
  }
}

package dev.iii4j.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The protocol's one Jackson setup: the streaming factory frames are read and written with, and the
 * mapper that turns payload text into {@link JsonNode} trees and back. No application context, no
 * reflection beyond Jackson's own; thread-safe and shared.
 *
 * <p>Limits: payloads are limited by the socket's frame size, not by the parser (string and number
 * lengths are unbounded), and nesting is accepted to 10,000 levels on read and on write (real
 * workers send payloads deeper than Jackson's default 1,000).
 */
public final class Json {
  private static final int MAX_DEPTH = 10_000;

  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxNumberLength(Integer.MAX_VALUE)
                  .maxNestingDepth(MAX_DEPTH)
                  .build())
          .streamWriteConstraints(
              StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
          // Writers go into socket buffers the caller still owns.
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .recyclerPool(new BufferPool())
          .build();

  private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY).build();

  private Json() {}

  /**
   * The shared mapper, for trees and for plain values. Do not reconfigure it: the codec reads and
   * writes every frame through it.
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The node factory trees are built with. */
  public static JsonNodeFactory nodes() {
    return JsonNodeFactory.instance;
  }

  /**
   * Reads one JSON value; JSON {@code null} is {@link NullNode}.
   *
   * @throws ProtocolException when the text is not one JSON value
   */
  public static JsonNode parse(String json) {
    return parsed(() -> MAPPER.readTree(json));
  }

  /** Reads one JSON value from UTF-8 bytes; see {@link #parse(String)}. */
  public static JsonNode parse(byte[] utf8) {
    return parsed(() -> MAPPER.readTree(utf8));
  }

  private interface Read {
    JsonNode read() throws IOException;
  }

  private static JsonNode parsed(Read read) {
    JsonNode node;
    try {
      node = read.read();
    } catch (IOException e) {
      throw new ProtocolException("invalid JSON: " + e.getMessage(), e);
    }
    if (node == null || node.isMissingNode()) {
      throw new ProtocolException("invalid JSON: no value");
    }
    return node;
  }

  /** {@code node} as compact UTF-8 JSON; a Java null is {@code null}. */
  public static byte[] write(@Nullable JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node == null ? NullNode.getInstance() : node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code node} as compact JSON text; a Java null is {@code null}. */
  public static String text(@Nullable JsonNode node) {
    return new String(write(node), StandardCharsets.UTF_8);
  }

  /** Parses {@code length} bytes from {@code offset}, followed by {@code suffix}. */
  static JsonNode read(byte[] raw, int offset, int length, byte[] suffix) throws IOException {
    JsonNode parsed;
    if (suffix.length == 0) {
      parsed = MAPPER.readTree(raw, offset, length);
    } else {
      byte[] all = Arrays.copyOfRange(raw, offset, offset + length + suffix.length);
      System.arraycopy(suffix, 0, all, length, suffix.length);
      parsed = MAPPER.readTree(all);
    }
    return parsed == null || parsed.isMissingNode() ? NullNode.getInstance() : parsed;
  }
}

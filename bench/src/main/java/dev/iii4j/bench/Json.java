package dev.iii4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * JSON payloads of the benchmarks, built with the SDK's trees (Jackson), as a Java worker would.
 */
final class Json {
  static final ObjectMapper MAPPER = dev.iii4j.protocol.Json.mapper();

  private Json() {}

  /** An object from alternating keys and values (strings, numbers, nodes). */
  static JsonNode object(Object... kv) {
    Map<String, JsonNode> map = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      map.put((String) kv[i], node(kv[i + 1]));
    }
    return new com.fasterxml.jackson.databind.node.ObjectNode(
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance, map);
  }

  static JsonNode node(Object v) {
    return switch (v) {
      case JsonNode n -> n;
      case String s -> dev.iii4j.protocol.Json.nodes().textNode(s);
      case Integer n -> dev.iii4j.protocol.Json.nodes().numberNode(n);
      case Long n -> dev.iii4j.protocol.Json.nodes().numberNode(n);
      case Double n -> dev.iii4j.protocol.Json.nodes().numberNode(n);
      default -> throw new IllegalArgumentException(String.valueOf(v));
    };
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The text frame an SDK caller sends for {@code data}: what the WebSocket floors echo, so the
   * floor moves the same bytes as our first hop.
   */
  static String invokeFrame(String functionId, JsonNode data) {
    return "{\"type\":\"invokefunction\",\"invocation_id\":\""
        + UUID.randomUUID()
        + "\",\"function_id\":\""
        + functionId
        + "\",\"data\":"
        + write(data)
        + "}";
  }

  /** A payload {@code {"s":"xxx…"}} whose JSON text is {@code bytes} long. */
  static JsonNode sized(int bytes) {
    int overhead = "{\"s\":\"\"}".length();
    return object("s", "x".repeat(Math.max(0, bytes - overhead)));
  }
}

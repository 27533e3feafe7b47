package dev.iii4j.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.iii4j.ops.JsonWriter;
import dev.iii4j.protocol.ProtocolException;
import dev.iii4j.sdk.Invocation;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one bridge between the SDK's trees (Jackson's {@code
 * com.fasterxml.jackson.databind.JsonNode}, what handlers receive and calls return) and Micronaut
 * Serde's {@link JsonNode}, which the services use inside. A conversion walks the tree once and
 * copies node by node: no text is written or parsed, and numbers keep their Java type (int, long,
 * BigInteger, double, BigDecimal). Services convert at the SDK boundary only. Stateless;
 * thread-safe.
 */
public final class SerdeTrees {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final JsonMapper SERDE = JsonMapper.createDefault();

  private SerdeTrees() {}

  /**
   * The payload of an invocation as a Serde tree, parsed once from the text it arrived in (no
   * Jackson tree is built); null when the call carried none.
   *
   * @throws ProtocolException when the text is not JSON
   */
  public static @Nullable JsonNode data(Invocation invocation) {
    String json = invocation.dataJson();
    if (json == null) {
      return null;
    }
    try {
      JsonNode tree = SERDE.readValue(json, JsonNode.class);
      return tree == null ? JsonNode.nullNode() : tree;
    } catch (IOException e) {
      throw new ProtocolException("invalid JSON payload: " + e.getMessage(), e);
    }
  }

  /**
   * A Serde tree for the SDK as its JSON text, written once (with {@link JsonWriter}, which has no
   * depth limit): the SDK copies the text into the frame without building a Jackson tree. The node
   * is opaque to Jackson's tree API, so use it only for what is sent (results, call payloads); null
   * for null.
   */
  public static com.fasterxml.jackson.databind.@Nullable JsonNode raw(@Nullable JsonNode node) {
    return node == null ? null : rawText(JsonWriter.text(node));
  }

  /**
   * An SDK node for JSON text the caller wrote itself (one complete, valid value, for example with
   * Jackson's generator, without a tree): the SDK copies the text into the frame as it is. Opaque
   * to Jackson's tree API, like {@link #raw}; use it only for what is sent.
   */
  public static com.fasterxml.jackson.databind.JsonNode rawText(String json) {
    return NODES.rawValueNode(new RawValue(json));
  }

  /** The Serde tree of an SDK tree; null for null. */
  public static @Nullable JsonNode serde(com.fasterxml.jackson.databind.@Nullable JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isObject()) {
      Map<String, JsonNode> fields = new LinkedHashMap<>(node.size() * 2);
      for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = node.fields();
          it.hasNext(); ) {
        Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> field = it.next();
        fields.put(field.getKey(), serde(field.getValue()));
      }
      return JsonNode.createObjectNode(fields);
    }
    if (node.isArray()) {
      List<JsonNode> items = new ArrayList<>(node.size());
      for (com.fasterxml.jackson.databind.JsonNode item : node) {
        items.add(serde(item));
      }
      return JsonNode.createArrayNode(items);
    }
    if (node.isTextual()) {
      return JsonNode.createStringNode(node.textValue());
    }
    if (node.isNumber()) {
      return serdeNumber(node.numberValue());
    }
    if (node.isBoolean()) {
      return JsonNode.createBooleanNode(node.booleanValue());
    }
    if (node.isNull() || node.isMissingNode()) {
      return JsonNode.nullNode();
    }
    // Binary and POJO nodes (a raw value a caller built): through their JSON text.
    return JsonNode.createStringNode(node.asText());
  }

  /** The SDK tree of a Serde tree; null for null. */
  public static com.fasterxml.jackson.databind.@Nullable JsonNode sdk(@Nullable JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isObject()) {
      ObjectNode object = NODES.objectNode();
      for (Map.Entry<String, JsonNode> field : node.entries()) {
        object.set(field.getKey(), sdk(field.getValue()));
      }
      return object;
    }
    if (node.isArray()) {
      ArrayNode array = NODES.arrayNode(node.size());
      for (JsonNode item : node.values()) {
        array.add(sdk(item));
      }
      return array;
    }
    if (node.isString()) {
      return NODES.textNode(node.getStringValue());
    }
    if (node.isNumber()) {
      return sdkNumber(node.getNumberValue());
    }
    if (node.isBoolean()) {
      return NODES.booleanNode(node.getBooleanValue());
    }
    return NODES.nullNode();
  }

  private static JsonNode serdeNumber(Number n) {
    return switch (n) {
      case Integer i -> JsonNode.createNumberNode(i);
      case Long l -> JsonNode.createNumberNode(l);
      case BigInteger b -> JsonNode.createNumberNode(b);
      case BigDecimal d -> JsonNode.createNumberNode(d);
      case Float f -> JsonNode.createNumberNode(f);
      case Short s -> JsonNode.createNumberNode(s.intValue());
      case Byte b -> JsonNode.createNumberNode(b.intValue());
      default -> JsonNode.createNumberNode(n.doubleValue());
    };
  }

  private static com.fasterxml.jackson.databind.JsonNode sdkNumber(Number n) {
    return switch (n) {
      case Integer i -> NODES.numberNode(i);
      case Long l -> NODES.numberNode(l);
      case BigInteger b -> NODES.numberNode(b);
      case BigDecimal d -> NODES.numberNode(d);
      case Float f -> NODES.numberNode(f);
      case Short s -> NODES.numberNode(s);
      case Byte b -> NODES.numberNode(b);
      default -> NODES.numberNode(n.doubleValue());
    };
  }
}

package dev.iii4j.stream;

import dev.iii4j.ops.JsonText;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The message WebSocket clients and {@code stream} triggers receive (spec section 6): {@code
 * {"type":"stream","timestamp":<ms>,"streamName","groupId","id","event":{...}}}, where {@code
 * event} is {@code {"type":"create"|"update"|"delete"|"sync","data":...}}, {@code
 * {"type":"event","event":{"type":<custom>,"data":...}}} or {@code {"type":"unauthorized"}}.
 *
 * @param streamName the stream
 * @param groupId the group
 * @param id the item id; null for group-wide messages (a group sync, a {@code send} without id)
 * @param timestamp milliseconds since the epoch, taken when the change was made
 * @param event the {@code event} object
 */
public record StreamMessage(
    String streamName, String groupId, @Nullable String id, long timestamp, JsonNode event) {

  /** The value of the wrapper's {@code type}. */
  public static final String TYPE = "stream";

  /** Checks the required components. */
  public StreamMessage {
    Objects.requireNonNull(streamName, "streamName");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(event, "event");
  }

  /**
   * The message of a set or update: {@code create} when the item had no value before, else {@code
   * update}, carrying the new value.
   */
  public static StreamMessage change(
      String streamName,
      String groupId,
      String itemId,
      Optional<JsonNode> previous,
      JsonNode current,
      long timestamp) {
    String type = previous.isPresent() ? "update" : "create";
    return new StreamMessage(streamName, groupId, itemId, timestamp, data(type, current));
  }

  /** The message of a delete, carrying the deleted value. */
  public static StreamMessage deleted(
      String streamName, String groupId, String itemId, JsonNode previous, long timestamp) {
    return new StreamMessage(streamName, groupId, itemId, timestamp, data("delete", previous));
  }

  /** The message of {@code stream::send}: a custom event that is not stored. */
  public static StreamMessage custom(
      String streamName,
      String groupId,
      @Nullable String id,
      String type,
      JsonNode data,
      long timestamp) {
    Map<String, JsonNode> inner = new LinkedHashMap<>();
    inner.put("type", JsonNode.createStringNode(type));
    inner.put("data", data);
    Map<String, JsonNode> event = new LinkedHashMap<>();
    event.put("type", JsonNode.createStringNode("event"));
    event.put("event", JsonNode.createObjectNode(inner));
    return new StreamMessage(streamName, groupId, id, timestamp, JsonNode.createObjectNode(event));
  }

  /** The initial {@code sync} of a subscription: the item (or null), or the group's items. */
  public static StreamMessage sync(
      String streamName, String groupId, @Nullable String id, JsonNode data, long timestamp) {
    return new StreamMessage(streamName, groupId, id, timestamp, data("sync", data));
  }

  /** The answer to a join that a {@code stream:join} trigger refused. */
  public static StreamMessage unauthorized(
      String streamName, String groupId, @Nullable String id, long timestamp) {
    return new StreamMessage(
        streamName,
        groupId,
        id,
        timestamp,
        JsonNode.createObjectNode(Map.of("type", JsonNode.createStringNode("unauthorized"))));
  }

  private static JsonNode data(String type, JsonNode data) {
    Map<String, JsonNode> event = new LinkedHashMap<>();
    event.put("type", JsonNode.createStringNode(type));
    event.put("data", data == null ? JsonNode.nullNode() : data);
    return JsonNode.createObjectNode(event);
  }

  /** The {@code event.type}: create, update, delete, event, sync or unauthorized. */
  public String eventType() {
    JsonNode type = event.get("type");
    return type != null && type.isString() ? type.getStringValue() : "";
  }

  /** How the outbox names this message in its logs: {@code <event> <stream>/<group>/<item>}. */
  public String describe() {
    return eventType() + " " + streamName() + "/" + groupId() + "/" + id();
  }

  /** The message as JSON. */
  public JsonNode toJson() {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    fields.put("type", JsonNode.createStringNode(TYPE));
    fields.put("timestamp", JsonNode.createNumberNode(timestamp));
    fields.put("streamName", JsonNode.createStringNode(streamName));
    fields.put("groupId", JsonNode.createStringNode(groupId));
    fields.put("id", id == null ? JsonNode.nullNode() : JsonNode.createStringNode(id));
    fields.put("event", event);
    return JsonNode.createObjectNode(fields);
  }

  /** The message as compact JSON text, as it goes on the wire. */
  public String toText() {
    return JsonText.write(toJson());
  }

  /**
   * Reads a message written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException when the JSON is not such a message
   */
  public static StreamMessage fromJson(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("a stream message must be an object");
    }
    JsonNode id = json.get("id");
    JsonNode timestamp = json.get("timestamp");
    JsonNode event = json.get("event");
    if (event == null || !event.isObject() || timestamp == null || !timestamp.isNumber()) {
      throw new IllegalArgumentException("a stream message needs timestamp and event");
    }
    return new StreamMessage(
        text(json, "streamName"),
        text(json, "groupId"),
        id == null || id.isNull() ? null : id.getStringValue(),
        timestamp.getLongValue(),
        inOrder(event));
  }

  /**
   * A {@code {type, data}} event with its members in that order, as this class writes them: the
   * database ({@code jsonb}) keeps object members in an order of its own.
   */
  private static JsonNode inOrder(JsonNode event) {
    JsonNode type = event.get("type");
    JsonNode data = event.get("data");
    if (event.size() == 2 && type != null && type.isString() && data != null) {
      return data(type.getStringValue(), data);
    }
    return event;
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.isString()) {
      throw new IllegalArgumentException("a stream message needs a string " + field);
    }
    return value.getStringValue();
  }
}

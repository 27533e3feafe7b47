package dev.iii4j.stream;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A client joining or leaving a subscription, as {@code stream:join} and {@code stream:leave}
 * triggers receive it.
 *
 * @param subscriptionId the client's id of the subscription
 * @param streamName the stream
 * @param groupId the group
 * @param id the item of an item subscription; null for a group subscription
 * @param context what the auth function answered as {@code context} for this connection; null when
 *     there is none
 */
public record SubscriptionEvent(
    String subscriptionId,
    String streamName,
    String groupId,
    @Nullable String id,
    @Nullable JsonNode context) {

  /** Checks the required components. */
  public SubscriptionEvent {
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    Objects.requireNonNull(streamName, "streamName");
    Objects.requireNonNull(groupId, "groupId");
  }

  /** {@code {subscription_id, stream_name, group_id, id, context}}, absent values as null. */
  public JsonNode payload() {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    fields.put("subscription_id", JsonNode.createStringNode(subscriptionId));
    fields.put("stream_name", JsonNode.createStringNode(streamName));
    fields.put("group_id", JsonNode.createStringNode(groupId));
    fields.put("id", id == null ? JsonNode.nullNode() : JsonNode.createStringNode(id));
    fields.put("context", context == null ? JsonNode.nullNode() : context);
    return JsonNode.createObjectNode(fields);
  }
}

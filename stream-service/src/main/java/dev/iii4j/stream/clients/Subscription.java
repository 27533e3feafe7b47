package dev.iii4j.stream.clients;

import io.micronaut.core.annotation.Nullable;

/**
 * One subscription of a client: a whole group ({@code id} null) or one item.
 *
 * @param subscriptionId the client's id for it
 * @param streamName the stream
 * @param groupId the group
 * @param id the item, or null for the group
 */
record Subscription(String subscriptionId, String streamName, String groupId, @Nullable String id) {

  /** The group this subscription is in. */
  GroupKey group() {
    return new GroupKey(streamName, groupId);
  }

  /** Whether a message about (stream, group, id) is for this subscription. */
  boolean matches(String stream, String group, @Nullable String itemId) {
    return streamName.equals(stream) && groupId.equals(group) && (id == null || id.equals(itemId));
  }

  /**
   * A (stream, group) pair, the unit by which messages are routed to clients.
   *
   * @param streamName the stream
   * @param groupId the group
   */
  record GroupKey(String streamName, String groupId) {}
}

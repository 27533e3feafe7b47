package dev.iii4j.stream;

import dev.iii4j.service.outbox.EventTarget;
import dev.iii4j.service.outbox.EventTrace;
import dev.iii4j.service.outbox.OutboxStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Durable storage of stream items, addressed by (stream, group, item), and the publication of
 * {@link StreamMessage}s to every replica.
 *
 * <p>Semantics: every write ({@link #write}, {@link #delete}, {@link #publish}) runs in one
 * transaction. A write holds an exclusive lock on its item for the whole transaction, so concurrent
 * writes of one item are serialised and none is lost. The same transaction publishes the change's
 * message (it reaches every replica's {@link ChangeListener} after the commit, in commit order)
 * and, when {@code targets} is not empty, records it in the outbox for the {@code stream} triggers.
 * Either the change, its message and its event all commit, or none does. Names and ids are exact,
 * case-sensitive strings; the empty string is allowed. A stored JSON null is an item.
 *
 * <p>Threading: thread-safe; every method blocks on the database.
 *
 * <p>Errors: every method throws {@link StreamStoreException} when the database fails; nothing is
 * then changed.
 */
public interface StreamStore extends OutboxStore<StreamMessage> {

  /**
   * Reads an item.
   *
   * @return the value (a null node for a stored null), or empty when the item does not exist
   */
  Optional<JsonNode> get(String streamName, String groupId, String itemId);

  /**
   * Stores {@code value} as the item, atomically, and publishes {@link StreamMessage#change}
   * ({@code create} or {@code update}): {@link #write} with a constant value, which the store may
   * do in fewer round trips.
   *
   * @param targets the triggers to deliver the message to
   * @param trace the writer's trace context, kept with the message's outbox row; null when none
   * @return the previous and the stored value
   */
  ItemChange put(
      String streamName,
      String groupId,
      String itemId,
      JsonNode value,
      List<EventTarget> targets,
      @Nullable EventTrace trace);

  /**
   * Replaces an item with what {@code compute} makes of the current value, atomically, and
   * publishes {@link StreamMessage#change} ({@code create} or {@code update}).
   *
   * @param compute the new value from the current one (empty when there is none); it runs while the
   *     item is locked and must not block on other items; it may throw to abort the write
   * @param targets the triggers to deliver the message to
   * @param trace the writer's trace context, kept with the message's outbox row; null when none
   * @return the previous and the stored value
   */
  ItemChange write(
      String streamName,
      String groupId,
      String itemId,
      Function<Optional<JsonNode>, JsonNode> compute,
      List<EventTarget> targets,
      @Nullable EventTrace trace);

  /**
   * Deletes an item atomically and, when it existed, publishes {@link StreamMessage#deleted}.
   *
   * @param targets the triggers to deliver the message to when the item existed
   * @param trace the writer's trace context, kept with the message's outbox row; null when none
   * @return the deleted value, or empty when there was none (then nothing is published)
   */
  Optional<JsonNode> delete(
      String streamName,
      String groupId,
      String itemId,
      List<EventTarget> targets,
      @Nullable EventTrace trace);

  /**
   * Publishes a message that changes no item ({@code send}, or a change made by custom storage).
   * {@code trace} is the writer's trace context, kept with the message's outbox row.
   */
  void publish(StreamMessage message, List<EventTarget> targets, @Nullable EventTrace trace);

  /** The values of a group, in the order their items were first written; rewriting keeps it. */
  List<JsonNode> list(String streamName, String groupId);

  /** The groups of a stream that hold items, sorted by code point. */
  List<String> groups(String streamName);

  /** Every stream that holds items, with its groups, sorted by code point. */
  List<StreamSummary> streams();
}

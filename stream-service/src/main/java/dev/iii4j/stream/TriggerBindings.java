package dev.iii4j.stream;

import dev.iii4j.service.outbox.EventTarget;
import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * The {@code stream} triggers this replica knows (every replica receives every binding from the
 * gateway).
 *
 * <p>Threading: thread-safe; answers from memory.
 */
public interface TriggerBindings {

  /**
   * The triggers whose filters match a message about (stream, group, id): {@code stream_name} by
   * equality, {@code group_id} and {@code item_id} by equality when present and not empty (a
   * message without an id matches only triggers without an {@code item_id} filter). Sorted by
   * trigger id.
   */
  List<EventTarget> matching(String streamName, String groupId, @Nullable String id);
}

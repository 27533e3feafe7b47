package dev.iii4j.state;

import dev.iii4j.service.outbox.EventTarget;
import java.util.List;

/**
 * The {@code state} triggers this replica knows (every replica receives every binding from the
 * gateway).
 *
 * <p>Threading: thread-safe; answers from memory.
 */
public interface TriggerBindings {

  /**
   * The triggers whose filters match a change of (scope, key): an absent {@code scope} or {@code
   * key} filter matches everything, a present one by exact equality.
   */
  List<EventTarget> matching(String scope, String key);
}

package dev.iii4j.state;

import dev.iii4j.service.outbox.EventTarget;
import dev.iii4j.service.outbox.EventTrace;
import dev.iii4j.service.outbox.OutboxStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Durable key/value storage of state, addressed by (scope, key), with a transactional outbox of
 * change events.
 *
 * <p>Semantics: every write ({@link #put}, {@link #write}, {@link #delete}) runs in one transaction
 * that holds an exclusive lock on the (scope, key) for its whole length, so concurrent writes of
 * one key are serialised and none is lost; when the write has trigger targets, the same transaction
 * appends the change's {@link StateEvent} to the outbox, and either both commit or neither. A write
 * without targets leaves no outbox row. Scopes and keys are exact, case-sensitive strings; the
 * empty string is allowed. A stored JSON null is an entry.
 *
 * <p>Threading: thread-safe; every method blocks on the database.
 *
 * <p>Errors: every method throws {@link StateStoreException} when the database fails; nothing is
 * then changed.
 */
public interface StateStore extends OutboxStore<StateEvent> {

  /**
   * Reads a value.
   *
   * @return the value (a null node for a stored null), or empty when the key has no entry
   */
  Optional<JsonNode> get(String scope, String key);

  /**
   * Stores a value, atomically, and records a {@code state:created} (no entry before) or {@code
   * state:updated} event for {@code targets}.
   *
   * @param targets the triggers to deliver the event to; empty records no event
   * @param trace the writer's trace context, kept with the event; null when it had none
   * @return the previous and the stored value
   */
  StateChange put(
      String scope,
      String key,
      JsonNode value,
      List<EventTarget> targets,
      @Nullable EventTrace trace);

  /**
   * Replaces a value with what {@code compute} makes of the current one, atomically, and records a
   * {@code state:created} (no entry before) or {@code state:updated} event for {@code targets}.
   *
   * @param compute the new value from the current one (empty when there is no entry); it runs while
   *     the key is locked and must not block on other keys; it may throw to abort the write
   * @param targets the triggers to deliver the event to; empty records no event
   * @param trace the writer's trace context, kept with the event; null when it had none
   * @return the previous and the stored value
   */
  StateChange write(
      String scope,
      String key,
      Function<Optional<JsonNode>, JsonNode> compute,
      List<EventTarget> targets,
      @Nullable EventTrace trace);

  /**
   * Deletes a value atomically and records a {@code state:deleted} event for {@code targets}, also
   * when there was no entry (none when {@code targets} is empty).
   *
   * @param trace the writer's trace context, kept with the event; null when it had none
   * @return the deleted value (empty when there was none) and a null current value
   */
  StateChange delete(
      String scope, String key, List<EventTarget> targets, @Nullable EventTrace trace);

  /** The values of a scope, in the order their keys were first written; rewriting keeps it. */
  List<JsonNode> list(String scope);

  /** The scopes that have at least one entry, without duplicates, sorted by code point. */
  List<String> scopes();
}

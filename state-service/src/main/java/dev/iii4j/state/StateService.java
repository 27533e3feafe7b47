package dev.iii4j.state;

import dev.iii4j.ops.JsonText;
import dev.iii4j.ops.UpdateOp;
import dev.iii4j.ops.UpdateOpError;
import dev.iii4j.ops.UpdateOps;
import dev.iii4j.service.outbox.EventDispatcher;
import dev.iii4j.service.outbox.EventTarget;
import dev.iii4j.service.outbox.EventTrace;
import dev.iii4j.state.config.StateProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state policy behind {@code state::*}: enforces the value limit, picks the triggers a change
 * is recorded for, writes through the {@link StateStore} and wakes the {@link EventDispatcher}
 * after commit.
 *
 * <p>Threading: thread-safe; methods block on the store. Errors: {@link StateStoreException} from
 * the store, {@link ValueTooLargeException} from {@link #set}.
 */
@Singleton
@Requires(env = StateService.ENVIRONMENT)
public final class StateService {
  /**
   * The Micronaut environment of the state service. Its beans exist only in a context that has it,
   * so a test JVM can run a gateway context and state-service contexts side by side.
   */
  public static final String ENVIRONMENT = "state-service";

  private final StateStore store;
  private final TriggerBindings bindings;
  private final EventDispatcher<StateEvent> dispatcher;
  private final StateProperties properties;

  StateService(
      StateStore store,
      TriggerBindings bindings,
      EventDispatcher<StateEvent> dispatcher,
      StateProperties properties) {
    this.store = store;
    this.bindings = bindings;
    this.dispatcher = dispatcher;
    this.properties = properties;
  }

  /**
   * The outcome of {@link #update}.
   *
   * @param change the previous and stored value
   * @param errors the ops that failed and were skipped
   */
  public record UpdateResult(StateChange change, List<UpdateOpError> errors) {}

  /** The stored value, or empty when the key has no entry. */
  public Optional<JsonNode> get(String scope, String key) {
    return store.get(scope, key);
  }

  /**
   * Stores a value (a null node stores JSON null).
   *
   * @param trace the caller's trace context, which the trigger calls of the change continue
   * @throws ValueTooLargeException when the JSON is longer than {@code max-value-bytes}
   */
  public StateChange set(String scope, String key, JsonNode value, @Nullable EventTrace trace) {
    long limit = properties.maxValueBytes();
    if (limit > 0) {
      long bytes = JsonText.write(value).getBytes(StandardCharsets.UTF_8).length;
      if (bytes > limit) {
        throw new ValueTooLargeException(bytes, limit);
      }
    }
    List<EventTarget> targets = targets(scope, key);
    StateChange change = store.put(scope, key, value, targets, trace);
    wakeFor(targets);
    return change;
  }

  /**
   * Applies ops atomically; the result is stored even when some ops failed. {@code trace} is the
   * caller's trace context, which the trigger calls of the change continue.
   */
  public UpdateResult update(
      String scope, String key, List<UpdateOp> ops, @Nullable EventTrace trace) {
    AtomicReference<UpdateOps.Result> result = new AtomicReference<>();
    List<EventTarget> targets = targets(scope, key);
    StateChange change =
        store.write(
            scope,
            key,
            old -> {
              UpdateOps.Result applied = UpdateOps.apply(old, ops);
              result.set(applied);
              return applied.value();
            },
            targets,
            trace);
    wakeFor(targets);
    return new UpdateResult(change, result.get().errors());
  }

  /**
   * Deletes a key; the change's previous value is what was deleted. {@code trace} is the caller's
   * trace context, which the trigger calls of the change continue.
   */
  public StateChange delete(String scope, String key, @Nullable EventTrace trace) {
    List<EventTarget> targets = targets(scope, key);
    StateChange change = store.delete(scope, key, targets, trace);
    wakeFor(targets);
    return change;
  }

  /** The values of a scope in insertion order. */
  public List<JsonNode> list(String scope) {
    return store.list(scope);
  }

  /** The scopes with entries, sorted. */
  public List<String> groups() {
    return store.scopes();
  }

  private void wakeFor(List<EventTarget> targets) {
    if (!targets.isEmpty()) {
      dispatcher.wake();
    }
  }

  /**
   * The bindings that match now. A write records an event only for these, and none when there are
   * none: a binding the service has received before a write starts gets the write's event; one that
   * arrives while the write runs may or may not.
   */
  private List<EventTarget> targets(String scope, String key) {
    return properties.triggersEnabled() ? bindings.matching(scope, key) : List.of();
  }
}

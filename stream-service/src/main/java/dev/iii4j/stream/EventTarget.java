package dev.iii4j.stream;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.Objects;

/**
 * One {@code stream} trigger a message is to be delivered to, captured when the change commits so
 * that delivery does not depend on which bindings a replica holds later.
 *
 * @param triggerId the trigger's id
 * @param functionId the function the trigger fires
 * @param config the trigger's config (it may name a {@code condition_function_id})
 * @param metadata the trigger's metadata, passed to the handler beside the payload
 */
public record EventTarget(
    String triggerId, String functionId, @Nullable JsonNode config, @Nullable JsonNode metadata) {
  /** Checks the ids. */
  public EventTarget {
    Objects.requireNonNull(triggerId, "triggerId");
    Objects.requireNonNull(functionId, "functionId");
  }
}

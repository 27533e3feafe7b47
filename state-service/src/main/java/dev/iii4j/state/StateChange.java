package dev.iii4j.state;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.Optional;

/**
 * The outcome of a committed write.
 *
 * @param previous the value before the write; empty when the key had no entry (a stored JSON null
 *     is present as a null node)
 * @param current the value after the write; null after a delete
 */
public record StateChange(Optional<JsonNode> previous, @Nullable JsonNode current) {}

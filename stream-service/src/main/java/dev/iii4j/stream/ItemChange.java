package dev.iii4j.stream;

import io.micronaut.json.tree.JsonNode;
import java.util.Optional;

/**
 * What a write did to one item.
 *
 * @param previous the value before; empty when the item had none
 * @param current the value stored now
 */
public record ItemChange(Optional<JsonNode> previous, JsonNode current) {}

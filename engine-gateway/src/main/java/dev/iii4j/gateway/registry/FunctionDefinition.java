package dev.iii4j.gateway.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;

/**
 * What a registrant said about a function.
 *
 * @param id the function id
 * @param description optional description
 * @param requestFormat optional request schema
 * @param responseFormat optional response schema
 * @param metadata optional metadata ({@code metadata.internal == true} hides it from listings)
 */
public record FunctionDefinition(
    String id,
    @Nullable String description,
    @Nullable JsonNode requestFormat,
    @Nullable JsonNode responseFormat,
    @Nullable JsonNode metadata) {

  /** Whether the metadata marks the function internal. */
  public boolean internal() {
    if (metadata == null || !metadata.isObject()) {
      return false;
    }
    JsonNode flag = metadata.get("internal");
    return flag != null && flag.isBoolean() && flag.booleanValue();
  }
}

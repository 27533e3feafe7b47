package dev.iii4j.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * What a {@code registerfunction} frame says about a function besides its handler. Immutable; start
 * with {@link #of(String)} and add fields with the withers.
 *
 * @param id the function id, for example {@code orders::create}; not blank
 * @param description optional description shown by {@code engine::functions::list}
 * @param requestFormat optional free-form schema of the request ({@code request_format})
 * @param responseFormat optional free-form schema of the response ({@code response_format})
 * @param metadata optional metadata (RBAC filters and {@code metadata.internal} use it)
 */
public record FunctionDefinition(
    String id,
    @Nullable String description,
    @Nullable JsonNode requestFormat,
    @Nullable JsonNode responseFormat,
    @Nullable JsonNode metadata) {

  /**
   * Checks the id.
   *
   * @throws IllegalArgumentException when the id is null or blank
   */
  public FunctionDefinition {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("function id must not be blank");
    }
  }

  /** A definition with only an id. */
  public static FunctionDefinition of(String id) {
    return new FunctionDefinition(id, null, null, null, null);
  }

  /** This definition with the given description. */
  public FunctionDefinition withDescription(@Nullable String description) {
    return new FunctionDefinition(id, description, requestFormat, responseFormat, metadata);
  }

  /** This definition with the given request schema. */
  public FunctionDefinition withRequestFormat(@Nullable JsonNode requestFormat) {
    return new FunctionDefinition(id, description, requestFormat, responseFormat, metadata);
  }

  /** This definition with the given response schema. */
  public FunctionDefinition withResponseFormat(@Nullable JsonNode responseFormat) {
    return new FunctionDefinition(id, description, requestFormat, responseFormat, metadata);
  }

  /** This definition with the given metadata. */
  public FunctionDefinition withMetadata(@Nullable JsonNode metadata) {
    return new FunctionDefinition(id, description, requestFormat, responseFormat, metadata);
  }
}

package dev.iii4j.gateway.invocation;

import dev.iii4j.protocol.ErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

/**
 * How an invocation ended: a value (possibly none) or an error.
 *
 * @param result the value, null for none or on failure
 * @param error the failure, null on success
 */
public record Outcome(@Nullable JsonNode result, @Nullable ErrorBody error) {

  /** A success. */
  public static Outcome ok(@Nullable JsonNode result) {
    return new Outcome(result, null);
  }

  /** A failure. */
  public static Outcome failed(ErrorBody error) {
    return new Outcome(null, error);
  }

  public boolean failed() {
    return error != null;
  }
}

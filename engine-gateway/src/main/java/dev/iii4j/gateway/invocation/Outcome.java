package dev.iii4j.gateway.invocation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.Payload;
import io.micronaut.core.annotation.Nullable;

/**
 * How an invocation ended: a value (possibly none) or an error.
 *
 * @param value the value, null for none or on failure; a worker's answer keeps the text it came in
 * @param error the failure, null on success
 */
public record Outcome(@Nullable Payload value, @Nullable ErrorBody error) {

  /** A success. */
  public static Outcome ok(@Nullable JsonNode result) {
    return new Outcome(Payload.of(result), null);
  }

  /** A success with a payload as it came in. */
  public static Outcome of(@Nullable Payload value) {
    return new Outcome(value, null);
  }

  /** The value as a tree (parsed on first use); null for none or on failure. */
  public @Nullable JsonNode result() {
    return Payload.treeOf(value);
  }

  /** A failure. */
  public static Outcome failed(ErrorBody error) {
    return new Outcome(null, error);
  }

  public boolean failed() {
    return error != null;
  }
}

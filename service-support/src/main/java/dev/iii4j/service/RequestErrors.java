package dev.iii4j.service;

import dev.iii4j.ops.InvalidRequestException;
import dev.iii4j.ops.Requests;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.sdk.FunctionException;
import io.micronaut.json.tree.JsonNode;
import java.util.function.Function;

/** How every built-in service answers a malformed request: one mapping, written once. */
public final class RequestErrors {
  private RequestErrors() {}

  /**
   * {@code body}, with an {@link InvalidRequestException} it throws answered as {@code
   * deserialization_error} with a message naming {@code functionId}.
   */
  public static <T> Function<T, JsonNode> guarded(String functionId, Function<T, JsonNode> body) {
    return input -> {
      try {
        return body.apply(input);
      } catch (InvalidRequestException e) {
        throw new FunctionException(
            ErrorCode.DESERIALIZATION_ERROR.wire(),
            Requests.message(functionId, e.getMessage()),
            e);
      }
    };
  }
}

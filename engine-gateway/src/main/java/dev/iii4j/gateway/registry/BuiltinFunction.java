package dev.iii4j.gateway.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;

/**
 * A function the engine runs in-process ({@code engine::*}, {@code publish}). Runs on a virtual
 * thread; may block briefly.
 */
@FunctionalInterface
public interface BuiltinFunction {

  /**
   * Runs the function.
   *
   * @param call who called and with what
   * @return the result, or null for "no value"
   * @throws BuiltinException with the error body the caller receives
   */
  @Nullable
  JsonNode call(BuiltinCall call);
}

package dev.iii4j.stream;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.Optional;

/**
 * Custom storage of one stream (spec section 6): when a worker registered a function named {@code
 * stream::<op>(<stream_name>)}, {@code set}, {@code get}, {@code delete}, {@code list}, {@code
 * list_groups} and {@code update} call it instead of the built-in store.
 *
 * <p>Threading: thread-safe; blocks until the function answered.
 */
public interface CustomStorage {

  /**
   * Calls {@code stream::<op>(<streamName>)} with {@code request}.
   *
   * @return empty when no such function is registered; otherwise its answer
   * @throws CustomStorageException when the function answered an error or could not be called
   */
  Optional<Answer> call(String op, String streamName, JsonNode request);

  /**
   * A custom function's answer.
   *
   * @param result its result; null when it produced none
   */
  record Answer(@Nullable JsonNode result) {}
}

package dev.iii4j.service;

import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.Invocation;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A function handler written against Serde trees: {@link #sdk()} makes it an SDK {@link
 * FunctionHandler}, converting the payload and the result at the boundary with {@link SerdeTrees}
 * (a tree walk each way, no text). Threading and errors as {@link FunctionHandler}'s.
 */
@FunctionalInterface
public interface SerdeHandler {

  /** Handles one invocation; a null stage or value counts as no value. */
  CompletionStage<JsonNode> handle(Call invocation);

  /** A handler from a blocking function of the payload alone. */
  static SerdeHandler sync(Function<JsonNode, JsonNode> function) {
    Objects.requireNonNull(function, "function");
    return invocation -> CompletableFuture.completedFuture(function.apply(invocation.data()));
  }

  /** This handler as the SDK's. */
  default FunctionHandler sdk() {
    return invocation -> {
      CompletionStage<JsonNode> stage = handle(new Call(invocation));
      return stage == null ? null : stage.thenApply(SerdeTrees::sdk);
    };
  }

  /**
   * The SDK's {@link Invocation} with Serde trees.
   *
   * @param sdk the invocation as the SDK delivered it
   */
  record Call(Invocation sdk) {
    /** The payload as a Serde tree; null when absent. */
    public @Nullable JsonNode data() {
      return SerdeTrees.serde(sdk.data());
    }

    /** The metadata as a Serde tree; null when absent. */
    public @Nullable JsonNode metadata() {
      return SerdeTrees.serde(sdk.metadata());
    }

    /** See {@link Invocation#invocationId()}. */
    public @Nullable String invocationId() {
      return sdk.invocationId();
    }

    /** See {@link Invocation#functionId()}. */
    public String functionId() {
      return sdk.functionId();
    }

    /** See {@link Invocation#traceparent()}. */
    public @Nullable String traceparent() {
      return sdk.traceparent();
    }

    /** See {@link Invocation#baggage()}. */
    public @Nullable String baggage() {
      return sdk.baggage();
    }
  }
}

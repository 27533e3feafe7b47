package dev.iii4j.stream.functions;

import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.stream.ConnectionAuth;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.config.StreamProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth function of client connections ({@code engine.stream.auth-function}), called through the
 * gateway with {@code hook-timeout}. As in the reference, a failure or an answer that is not an
 * object lets the client in without a context (logged).
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
final class GatewayConnectionAuth implements ConnectionAuth {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayConnectionAuth.class);

  private final EngineWorker worker;
  private final @Nullable String functionId;
  private final CallOptions options;

  GatewayConnectionAuth(EngineWorker worker, StreamProperties properties) {
    this.worker = worker;
    this.functionId = properties.authFunctionId();
    this.options = CallOptions.defaults().withTimeout(properties.hookTimeout());
  }

  @Override
  public boolean enabled() {
    return functionId != null;
  }

  @Override
  public CompletableFuture<Optional<JsonNode>> authenticate(JsonNode input) {
    if (functionId == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return worker
        .call(functionId, SerdeTrees.sdk(input), options)
        .thenApply(SerdeTrees::serde)
        .handle(
            (result, error) -> {
              if (error != null) {
                LOG.warn(
                    "auth function {} failed; accepting the client without a context: {}",
                    functionId,
                    error.toString());
                return Optional.empty();
              }
              if (result == null) {
                return Optional.empty();
              }
              if (!result.isObject()) {
                LOG.warn(
                    "auth function {} answered a non-object; accepting the client without a"
                        + " context",
                    functionId);
                return Optional.empty();
              }
              JsonNode context = result.get("context");
              return context == null || context.isNull() ? Optional.empty() : Optional.of(context);
            });
  }
}

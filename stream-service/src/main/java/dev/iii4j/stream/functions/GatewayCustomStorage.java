package dev.iii4j.stream.functions;

import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.stream.CustomStorage;
import dev.iii4j.stream.CustomStorageException;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.config.StreamProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Custom storage through the gateway: calls {@code stream::<op>(<stream>)} and treats the gateway's
 * {@code function_not_found} as "no custom storage for this stream". Asking the gateway on every
 * call (rather than caching a listing) means a provider that registers or goes away takes effect at
 * once, on every replica; the price is one extra round trip to the gateway per operation on a
 * stream without one.
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
final class GatewayCustomStorage implements CustomStorage {
  private final EngineWorker worker;
  private final Duration timeout;

  GatewayCustomStorage(EngineWorker worker, StreamProperties properties) {
    this.worker = worker;
    this.timeout = properties.hookTimeout();
  }

  @Override
  public Optional<Answer> call(String op, String streamName, JsonNode request) {
    String id = "stream::" + op + "(" + streamName + ")";
    try {
      JsonNode result =
          SerdeTrees.serde(
              worker
                  .call(id, SerdeTrees.sdk(request), CallOptions.defaults().withTimeout(timeout))
                  .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS));
      return Optional.of(new Answer(result));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CustomStorageException(
          CustomStorageException.Kind.FAILED, "INTERRUPTED", "interrupted while calling " + id);
    } catch (TimeoutException e) {
      throw new CustomStorageException(
          CustomStorageException.Kind.FAILED,
          ErrorCode.INVOCATION_TIMEOUT.wire(),
          id + " did not answer within " + timeout);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WorkerException.Remote remote) {
        if (ErrorCode.FUNCTION_NOT_FOUND.wire().equals(remote.code())) {
          return Optional.empty();
        }
        throw new CustomStorageException(
            CustomStorageException.Kind.FAILED, remote.code(), remote.getMessage());
      }
      if (e.getCause() instanceof WorkerException.Timeout) {
        throw new CustomStorageException(
            CustomStorageException.Kind.FAILED,
            ErrorCode.INVOCATION_TIMEOUT.wire(),
            id + " did not answer within " + timeout);
      }
      throw new CustomStorageException(
          CustomStorageException.Kind.FAILED,
          "CUSTOM_STORAGE_UNREACHABLE",
          "cannot call " + id + ": " + e.getCause().getMessage());
    }
  }
}

package dev.iii4j.stream.functions;

import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.Invocation;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.stream.CustomStorage;
import dev.iii4j.stream.CustomStorageException;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.config.StreamProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Custom storage through the gateway: calls {@code stream::<op>(<stream>)} when the service's local
 * view says such a function is registered, and uses the built-in store without asking otherwise.
 *
 * <p>The view: on the first operation of each connection (worker id) the service lists the
 * registered {@code stream::*} functions ({@code engine::functions::list}, one gateway call); after
 * that it follows the {@code engine::functions-available} events it is bound to, which the gateway
 * sends as soon as it applied a registration or an unregistration, and which the SDK applies on the
 * connection's listener thread ({@link FunctionHandler.OnListener}) before it starts any invocation
 * that arrives later. So an operation that reaches this service after a provider's registration was
 * applied sees the provider. A provider that went away is noticed at the next event, and meanwhile
 * its call answers {@code function_not_found}, which still means "no custom storage".
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
final class GatewayCustomStorage implements CustomStorage {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayCustomStorage.class);

  /** The availability trigger type the view follows. */
  static final String FUNCTIONS_AVAILABLE = "engine::functions-available";

  private final EngineWorker worker;
  private final Duration timeout;

  /** The function this replica's availability trigger calls (one per replica). */
  private final String listener = "stream::functions-changed::" + UUID.randomUUID();

  /** Guards the updates of {@link #view} (not its reads). */
  private final Object viewLock = new Object();

  /** The registered custom storage functions, as far as this replica knows. */
  private volatile View view = View.of(Set.of());

  /** The worker id (connection) whose function listing {@link #view} includes. */
  private volatile @Nullable String listedFor;

  /** One listing at a time. */
  private final ReentrantLock listing = new ReentrantLock();

  GatewayCustomStorage(EngineWorker worker, StreamProperties properties) {
    this.worker = worker;
    this.timeout = properties.hookTimeout();
  }

  /**
   * Registers the view's listener function and binds it to {@code engine::functions-available};
   * call before the worker connects.
   */
  void register() {
    worker.registerFunction(
        listener, (FunctionHandler.OnListener) invocation -> onFunctionsChanged(invocation));
    worker.registerTrigger(
        FUNCTIONS_AVAILABLE, listener, SerdeTrees.sdk(JsonNode.createObjectNode(Map.of())));
  }

  /** An availability event: its full list of functions replaces the view. */
  private CompletionStage<com.fasterxml.jackson.databind.JsonNode> onFunctionsChanged(
      Invocation invocation) {
    JsonNode data = SerdeTrees.serde(invocation.data());
    JsonNode functions = data == null ? null : data.get("functions");
    if (functions != null && functions.isArray()) {
      Set<String> ids = customStorage(functions);
      synchronized (viewLock) {
        view = View.of(ids);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  /** The custom storage function ids of a list of {@code FunctionSummary} rows. */
  private static Set<String> customStorage(JsonNode functions) {
    Set<String> ids = new HashSet<>();
    for (JsonNode row : functions.values()) {
      JsonNode id = row.get("function_id");
      if (id != null && id.isString() && isCustomStorage(id.getStringValue())) {
        ids.add(id.getStringValue());
      }
    }
    return ids;
  }

  /** {@code stream::<op>(<name>)}: the shape of a custom storage function id. */
  static boolean isCustomStorage(String id) {
    return id.startsWith("stream::") && id.indexOf('(') > 0 && id.endsWith(")");
  }

  /**
   * The custom storage function ids, and the streams they serve.
   *
   * @param ids {@code stream::<op>(<stream>)} ids
   * @param streams the {@code <stream>} of each
   */
  private record View(Set<String> ids, Set<String> streams) {
    static View of(Set<String> ids) {
      Set<String> streams = new HashSet<>();
      for (String id : ids) {
        streams.add(id.substring(id.indexOf('(') + 1, id.length() - 1));
      }
      return new View(Set.copyOf(ids), Set.copyOf(streams));
    }
  }

  /**
   * Whether some custom storage function may be registered for {@code streamName} (never for a null
   * name); lists the functions first on a new connection. A stream that has none is served by the
   * database alone, on the service's JDBC threads.
   */
  boolean mayProvide(@Nullable String streamName) {
    if (streamName == null) {
      return false;
    }
    current();
    return view.streams().contains(streamName);
  }

  /** Whether the view has {@code id}; lists the functions first on a new connection. */
  private boolean provided(String id) {
    current();
    return view.ids().contains(id);
  }

  /** Lists the functions when the worker has connected again since the last listing. */
  private void current() {
    String connection = worker.workerId().orElse(null);
    if (connection != null && !connection.equals(listedFor)) {
      list(connection);
    }
  }

  /**
   * Adds the registered custom storage functions to the view. Added, not replaced: an event applied
   * meanwhile may be newer than the listing, and a function the view has too many only costs a call
   * answered {@code function_not_found}.
   */
  private void list(String connection) {
    listing.lock();
    try {
      if (connection.equals(listedFor)) {
        return;
      }
      Map<String, JsonNode> request = new LinkedHashMap<>();
      request.put("prefix", JsonNode.createStringNode("stream::"));
      request.put("include_internal", JsonNode.createBooleanNode(true));
      JsonNode answer;
      try {
        answer =
            SerdeTrees.serde(
                worker
                    .call(
                        "engine::functions::list",
                        SerdeTrees.sdk(JsonNode.createObjectNode(request)),
                        CallOptions.defaults().withTimeout(timeout))
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw unreachable("interrupted while listing the custom storage functions");
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        throw unreachable("cannot list the custom storage functions: " + cause.getMessage());
      }
      JsonNode functions = answer == null ? null : answer.get("functions");
      Set<String> ids =
          functions != null && functions.isArray() ? customStorage(functions) : new HashSet<>();
      synchronized (viewLock) {
        ids.addAll(view.ids());
        view = View.of(ids);
      }
      listedFor = connection;
      LOG.debug("custom storage functions for connection {}: {}", connection, ids);
    } finally {
      listing.unlock();
    }
  }

  private static CustomStorageException unreachable(String message) {
    return new CustomStorageException(
        CustomStorageException.Kind.FAILED, "CUSTOM_STORAGE_UNREACHABLE", message);
  }

  @Override
  public Optional<Answer> call(String op, String streamName, JsonNode request) {
    String id = "stream::" + op + "(" + streamName + ")";
    if (!provided(id)) {
      return Optional.empty();
    }
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

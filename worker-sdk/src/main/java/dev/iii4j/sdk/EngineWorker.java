package dev.iii4j.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A worker: one WebSocket to the engine, over which it registers functions, trigger types and
 * triggers, runs the functions the engine routes to it, and calls other functions.
 *
 * <p>Lifecycle: {@link #create(WorkerOptions)}, then registrations, then {@link #start()}, then
 * {@link #close()}. Registrations may also be made or withdrawn after {@code start()}; they are
 * sent at once when connected and replayed on every reconnect.
 *
 * <p>Connection: after any close the worker reconnects with jittered exponential backoff. On every
 * open it sends {@code reattach} (when an earlier connection was registered), every trigger type,
 * every function, every trigger (same ids), the frames queued while disconnected, and a
 * fire-and-forget {@code engine::workers::register}.
 *
 * <p>Threading: every method is thread-safe and non-blocking except {@link #close()}. Handlers and
 * providers run on virtual threads, and returned futures complete on SDK threads (never the
 * socket's listener thread); use the {@code *Async} stages to hop elsewhere.
 *
 * <p>Failures: futures fail with a {@link WorkerException}.
 */
public interface EngineWorker extends AutoCloseable {

  /**
   * A new, not yet connected worker. Does not start a Micronaut application context.
   *
   * @param options validated options (see {@link WorkerOptions#builder})
   */
  static EngineWorker create(WorkerOptions options) {
    return new WorkerRuntime(options);
  }

  /** The options this worker was created with. */
  WorkerOptions options();

  /**
   * Registers a function with only an id ({@code registerfunction}).
   *
   * @throws DuplicateRegistrationException when the id is already registered on this worker
   * @throws IllegalArgumentException when the id is blank
   * @throws IllegalStateException when the worker is closed
   */
  FunctionRef registerFunction(String id, FunctionHandler handler);

  /**
   * Registers a function with description, schemas and metadata ({@code registerfunction}).
   *
   * @throws DuplicateRegistrationException when the id is already registered on this worker
   * @throws IllegalStateException when the worker is closed
   */
  FunctionRef registerFunction(FunctionDefinition definition, FunctionHandler handler);

  /**
   * Provides a trigger type ({@code registertriggertype}); the engine then sends the type's
   * triggers to {@code provider}.
   *
   * @param id the trigger type id
   * @param description shown by {@code engine::triggers::list}; null is sent as empty
   * @throws DuplicateRegistrationException when the type is already provided by this worker
   * @throws IllegalArgumentException when the id is blank
   * @throws IllegalStateException when the worker is closed
   */
  TriggerTypeRef registerTriggerType(
      String id, @Nullable String description, TriggerTypeProvider provider);

  /**
   * Registers a trigger without metadata; see {@link #registerTrigger(String, String, JsonNode,
   * JsonNode)}.
   */
  TriggerRef registerTrigger(String triggerType, String functionId, @Nullable JsonNode config);

  /**
   * Registers a trigger ({@code registertrigger}) with an SDK-generated UUIDv4 id that is kept
   * across reconnects. The engine reports a rejection with a {@code triggerregistrationresult}
   * error, which the SDK logs; a trigger of a type nobody provides yet waits engine-side.
   *
   * @param triggerType the trigger type, for example {@code http} or {@code cron}
   * @param functionId the function to fire
   * @param config the type-specific configuration
   * @param metadata metadata passed to the function with each fire
   * @throws IllegalArgumentException when the type or function id is blank
   * @throws IllegalStateException when the worker is closed
   */
  TriggerRef registerTrigger(
      String triggerType,
      String functionId,
      @Nullable JsonNode config,
      @Nullable JsonNode metadata);

  /**
   * Connects (once; later calls return the same future).
   *
   * @return completes when the first {@code workerregistered} arrives; fails with {@link
   *     WorkerException.NotConnected} if the worker is closed first. It does not fail while the
   *     engine is unreachable: the worker keeps reconnecting.
   */
  CompletableFuture<Void> start();

  /**
   * Calls a function synchronously with the default timeout; see {@link #call(String, JsonNode,
   * CallOptions)}.
   *
   * @throws IllegalArgumentException when the function id is blank
   */
  CompletableFuture<JsonNode> call(String functionId, @Nullable JsonNode data);

  /**
   * Calls a function and waits for its {@code invocationresult}. While disconnected the call is
   * queued and sent after the next open, unless its timeout passes first.
   *
   * @return completes with the result, or with null when the function produced no value; fails with
   *     {@link WorkerException.Remote} on an error answer, {@link WorkerException.Timeout} when the
   *     timeout passes, {@link WorkerException.NotConnected} when the connection dies after the
   *     call was sent or the worker is closed, {@link WorkerException.Protocol} when the frame
   *     cannot be encoded
   * @throws IllegalArgumentException when the function id is blank
   */
  CompletableFuture<JsonNode> call(String functionId, @Nullable JsonNode data, CallOptions options);

  /**
   * Invokes a function fire-and-forget ({@code action: void}, no {@code invocation_id}). Queued
   * while disconnected (dropped after {@link WorkerOptions#invocationTimeout()}); errors are never
   * reported.
   *
   * @throws IllegalArgumentException when the function id is blank
   * @throws IllegalStateException when the worker is closed
   */
  void callVoid(String functionId, @Nullable JsonNode data);

  /**
   * Hands a call to the durable queue {@code queue} ({@code action: enqueue}); the queue provider
   * invokes the function later.
   *
   * @return completes with the {@code messageReceiptId} of the engine's answer; fails like {@link
   *     #call(String, JsonNode, CallOptions)} (the engine answers {@code enqueue_error} when no
   *     queue provider is installed)
   * @throws IllegalArgumentException when the queue or function id is blank
   */
  default CompletableFuture<String> enqueue(
      String queue, String functionId, @Nullable JsonNode data) {
    return enqueue(queue, functionId, data, CallOptions.defaults());
  }

  /**
   * Hands a call to the durable queue {@code queue} as {@link #enqueue(String, String, JsonNode)}
   * does, with {@code options}: its timeout bounds the wait for the receipt, and its trace context
   * goes with the message, so the delivery continues the enqueuer's trace. Metadata is not sent.
   *
   * @throws IllegalArgumentException when the queue or function id is blank
   */
  CompletableFuture<String> enqueue(
      String queue, String functionId, @Nullable JsonNode data, CallOptions options);

  /** The worker id the engine gave the current connection; empty while not registered. */
  Optional<String> workerId();

  /** Whether a connection is open right now. */
  boolean isConnected();

  /**
   * The number of the open connection, or -1 while none is open. Every new connection of this
   * worker gets a greater number, so what the engine keeps per connection (channels announced with
   * {@code engine::channels::open} and mints registered with {@code engine::channels::mint}, which
   * go with the connection that made them) can be told apart from what a former connection left.
   */
  default long connectionNumber() {
    return -1;
  }

  /**
   * Closes the worker: sends a Close frame with status 1000 after the frames already queued, waits
   * briefly for the engine's answer, stops reconnecting, and fails pending calls (and an unfinished
   * {@link #start()}) with {@link WorkerException.NotConnected}. Blocks for at most a few seconds.
   * Idempotent.
   */
  @Override
  void close();
}

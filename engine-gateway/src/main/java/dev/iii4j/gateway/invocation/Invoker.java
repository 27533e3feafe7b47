package dev.iii4j.gateway.invocation;

import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.registry.BuiltinCall;
import dev.iii4j.gateway.registry.BuiltinException;
import dev.iii4j.gateway.registry.FunctionProvider;
import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.Message;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs invocations: finds a provider of the function, sends the call to a worker or runs a
 * built-in, and keeps each pending call by its invocation id until the executor answers or goes
 * away.
 *
 * <p>By default the engine sets no deadline of its own on worker-routed calls (callers carry their
 * own timeouts, and streaming handlers may legitimately run long); a call ends when its executor
 * answers, when the executor's connection is cleaned up ({@code invocation_stopped}), when the
 * gateway shuts down ({@code engine_shutting_down}), or, if {@code
 * engine.gateway.invocation-timeout} is set, when that passes ({@code invocation_timeout}).
 * Thread-safe.
 */
@Singleton
public final class Invoker {

  private static final Logger LOG = LoggerFactory.getLogger(Invoker.class);

  private record Pending(
      String invocationId,
      String functionId,
      WorkerSession executor,
      @Nullable WorkerSession caller,
      CompletableFuture<Outcome> future) {}

  private final FunctionRegistry functions;
  private final HttpFunctionCaller httpFunctions;
  private final List<InvocationListener> listeners;
  private final @Nullable InvocationTracer tracer;
  private final @Nullable Duration deadline;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final ExecutorService builtins = Executors.newVirtualThreadPerTaskExecutor();

  /** An invoker over the function registry. */
  public Invoker(
      FunctionRegistry functions,
      HttpFunctionCaller httpFunctions,
      List<InvocationListener> listeners,
      List<InvocationTracer> tracers,
      GatewayProperties properties) {
    this.functions = functions;
    this.httpFunctions = httpFunctions;
    this.listeners = List.copyOf(listeners);
    this.tracer = tracers.isEmpty() ? null : tracers.get(0);
    this.deadline = properties.invocationTimeout();
  }

  /**
   * Starts an invocation.
   *
   * @return completes with the outcome; never completes exceptionally
   */
  public CompletableFuture<Outcome> invoke(Call call) {
    long start = System.nanoTime();
    FunctionRegistry.Pool pool = functions.get(call.functionId());
    FunctionProvider provider = pool == null ? null : pool.pick().orElse(null);
    if (provider == null) {
      Outcome missing =
          Outcome.failed(
              ErrorCode.FUNCTION_NOT_FOUND.body("Function " + call.functionId() + " not found"));
      InvocationTracer.OpenSpan span = tracer == null ? null : tracer.open(call, "none");
      if (span != null) {
        span.close(missing);
      }
      observe(call.functionId(), "none", missing, start);
      return CompletableFuture.completedFuture(missing);
    }
    String kind =
        switch (provider) {
          case FunctionProvider.Builtin builtin -> "builtin";
          case FunctionProvider.Worker worker -> "worker";
          case FunctionProvider.Http http -> "http";
        };
    InvocationTracer.OpenSpan span = tracer == null ? null : tracer.open(call, kind);
    Call routed = span == null ? call : call.withTraceparent(span.traceparent());
    CompletableFuture<Outcome> outcome =
        switch (provider) {
          case FunctionProvider.Builtin builtin -> runBuiltin(builtin, routed);
          case FunctionProvider.Worker worker -> sendToWorker(worker.session(), routed);
          case FunctionProvider.Http http -> callEndpoint(http, routed);
        };
    return outcome.whenComplete(
        (o, error) -> {
          if (span != null && o != null) {
            span.close(o);
          }
          observe(call.functionId(), kind, o, start);
        });
  }

  private void observe(String functionId, String kind, @Nullable Outcome outcome, long start) {
    if (outcome == null) {
      return;
    }
    long nanos = System.nanoTime() - start;
    for (InvocationListener listener : listeners) {
      try {
        listener.completed(functionId, kind, outcome, nanos);
      } catch (RuntimeException e) {
        LOG.warn("invocation listener {} failed", listener, e);
      }
    }
  }

  private CompletableFuture<Outcome> runBuiltin(FunctionProvider.Builtin builtin, Call call) {
    if (builtin.inline()) {
      // In the caller's frame order: a frame the caller sends next sees the effect.
      return CompletableFuture.completedFuture(runNow(builtin, call));
    }
    if (call.caller() != null) {
      call.caller().invocations().add(call.invocationId());
    }
    return CompletableFuture.supplyAsync(() -> runNow(builtin, call), builtins)
        .whenComplete(
            (outcome, error) -> {
              if (call.caller() != null) {
                call.caller().invocations().remove(call.invocationId());
              }
            });
  }

  private static Outcome runNow(FunctionProvider.Builtin builtin, Call call) {
    try {
      return Outcome.ok(
          builtin
              .function()
              .call(
                  new BuiltinCall(
                      call.functionId(),
                      call.data(),
                      call.metadata(),
                      call.caller(),
                      call.baggage())));
    } catch (BuiltinException e) {
      return Outcome.failed(e.body());
    } catch (RuntimeException e) {
      LOG.error("built-in {} failed (invocation_id={})", call.functionId(), call.invocationId(), e);
      return Outcome.failed(
          ErrorCode.INVOCATION_ERROR.body(
              e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }
  }

  private CompletableFuture<Outcome> callEndpoint(FunctionProvider.Http http, Call call) {
    if (call.caller() != null) {
      call.caller().invocations().add(call.invocationId());
    }
    return httpFunctions
        .call(http.invocation(), call.functionId(), call.data())
        // A JSON null body is no result, as a worker's `"result":null` is.
        .thenApply(o -> o.value() != null && o.value().isNull() ? Outcome.ok(null) : o)
        .whenComplete(
            (outcome, error) -> {
              if (call.caller() != null) {
                call.caller().invocations().remove(call.invocationId());
              }
            });
  }

  private CompletableFuture<Outcome> sendToWorker(WorkerSession executor, Call call) {
    CompletableFuture<Outcome> future = new CompletableFuture<>();
    Pending entry =
        new Pending(call.invocationId(), call.functionId(), executor, call.caller(), future);
    if (pending.putIfAbsent(call.invocationId(), entry) != null) {
      return CompletableFuture.completedFuture(
          Outcome.failed(
              ErrorCode.INVOCATION_ERROR.body(
                  "invocation_id " + call.invocationId() + " is already in flight")));
    }
    executor.invocations().add(call.invocationId());
    if (call.caller() != null) {
      call.caller().invocations().add(call.invocationId());
    }
    future.whenComplete(
        (outcome, error) -> {
          pending.remove(call.invocationId(), entry);
          executor.invocations().remove(call.invocationId());
          if (call.caller() != null) {
            call.caller().invocations().remove(call.invocationId());
          }
        });
    boolean sent =
        executor.send(
            new Message.InvokeFunction(
                call.invocationId(),
                // A connection with a registration prefix knows its functions without it.
                executor.unprefixed(call.functionId()),
                call.payload(),
                call.traceparent(),
                call.baggage(),
                null,
                call.metadata()));
    if (sent && deadline != null) {
      future.completeOnTimeout(
          Outcome.failed(
              ErrorCode.INVOCATION_TIMEOUT.body(
                  "Function "
                      + call.functionId()
                      + " did not answer within "
                      + deadline.toMillis()
                      + " ms")),
          deadline.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    if (!sent) {
      future.complete(
          Outcome.failed(
              ErrorCode.CHANNEL_SEND_FAILED.body(
                  "Worker " + executor.workerId() + " is no longer connected")));
    }
    return future;
  }

  /**
   * Completes a pending call with an executor's answer. Answers from any connection but the one
   * executing the call are ignored, so a worker cannot answer calls it was never given.
   */
  public void complete(WorkerSession from, Message.InvocationResult result) {
    Pending entry = pending.get(result.invocationId());
    if (entry == null) {
      LOG.debug(
          "result for unknown invocation {} from worker {}",
          result.invocationId(),
          from.workerId());
      return;
    }
    if (entry.executor() != from) {
      LOG.warn(
          "worker {} answered invocation {} of {} that was sent to worker {}; ignored",
          from,
          result.invocationId(),
          entry.functionId(),
          entry.executor());
      return;
    }
    // Like the reference, an ordinary worker's `"result":null` counts as no result. The trusted
    // services implement the reference's in-engine workers, which do answer an explicit null (a
    // stored null in state, stream::send), so theirs is forwarded.
    Message.InvocationResult answer = from.trusted() ? result : result.withoutNullResult();
    entry
        .future()
        .complete(
            answer.error() != null ? Outcome.failed(answer.error()) : Outcome.of(answer.value()));
  }

  /**
   * Ends every call a closing connection takes part in: calls it executes fail with {@code
   * invocation_stopped}; calls it waits for are dropped (their late results are discarded).
   */
  public void halt(WorkerSession session) {
    ErrorBody stopped = ErrorCode.INVOCATION_STOPPED.body("Invocation stopped");
    for (Pending entry : List.copyOf(pending.values())) {
      if (entry.executor() == session || entry.caller() == session) {
        entry.future().complete(Outcome.failed(stopped));
      }
    }
  }

  /** Fails every pending call; used by a graceful shutdown. */
  public void haltAll(ErrorBody error) {
    for (Pending entry : List.copyOf(pending.values())) {
      entry.future().complete(Outcome.failed(error));
    }
  }

  /** The number of calls in flight to workers. */
  public int inFlight() {
    return pending.size();
  }

  @PreDestroy
  void stop() {
    builtins.shutdownNow();
  }
}

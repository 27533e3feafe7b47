package dev.iii4j.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.MessageCodec;
import dev.iii4j.protocol.ProtocolException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The receiving side of a worker: decodes each inbound frame and dispatches it — invocations to the
 * local functions' handlers, trigger bindings to the local trigger types' providers, results to the
 * outstanding calls, the worker's registration to {@link WorkerRuntime} — and owns the bindings
 * delivered to local providers.
 *
 * <p>Threading: {@link #onFrame} runs on the listener thread, in arrival order, and never takes the
 * worker's lock on the way to a handler (functions are found in {@link Registry#handler}). A {@link
 * FunctionHandler.OnListener} handler runs on the listener thread, any other on the task executor;
 * provider calls run one at a time on their serial executor. The delivered bindings are a
 * concurrent map.
 */
final class Inbound {

  // The logger of the worker as a whole, so log categories stay as they were.
  private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);

  /** MDC key of the function a handler runs for. */
  static final String MDC_FUNCTION = "function_id";

  /** MDC key of the invocation a handler answers (absent for fire-and-forget calls). */
  static final String MDC_INVOCATION = "invocation_id";

  private final WorkerRuntime runtime;
  private final MessageCodec codec;
  private final Registry registry;
  private final Calls calls;
  private final Outbound outbound;
  private final Executor tasks;
  private final Executor providerCalls;
  // Bindings handed to local providers, by trigger id; withdrawn when the connection is lost.
  private final ConcurrentHashMap<String, Delivered> delivered = new ConcurrentHashMap<>();

  Inbound(
      WorkerRuntime runtime,
      MessageCodec codec,
      Registry registry,
      Calls calls,
      Outbound outbound,
      Executor tasks,
      Executor providerCalls) {
    this.runtime = runtime;
    this.codec = codec;
    this.registry = registry;
    this.calls = calls;
    this.outbound = outbound;
    this.tasks = tasks;
    this.providerCalls = providerCalls;
  }

  /** Called on the listener thread with each complete frame, in arrival order. */
  void onFrame(Connection connection, byte[] frame) {
    if (blank(frame)) {
      return;
    }
    Message message;
    try {
      message = codec.decode(frame);
    } catch (ProtocolException e) {
      LOG.warn(
          "dropping a malformed frame on connection {}: {}", connection.number, e.getMessage());
      return;
    }
    switch (message) {
      case Message.WorkerRegistered m -> runtime.onWorkerRegistered(connection, m);
      case Message.InvocationResult m -> calls.onResult(m);
      case Message.InvokeFunction m -> {
        Registry.LocalFunction function = registry.handler(m.functionId());
        if (function != null && function.handler() instanceof FunctionHandler.OnListener) {
          runInvocation(m, function);
        } else {
          // Looked up again on the task: one unregistered meanwhile is not found, as before.
          runOn(tasks, () -> runInvocation(m, registry.handler(m.functionId())));
        }
      }
      case Message.RegisterTrigger m -> runOn(providerCalls, () -> deliverTrigger(m));
      case Message.UnregisterTrigger m -> runOn(providerCalls, () -> withdrawTrigger(m));
      case Message.Ping m -> connection.offer(codec.encodeToBytes(new Message.Pong()));
      case Message.Pong m -> {}
      case Message.TriggerRegistrationResult m -> {
        if (m.error() != null) {
          LOG.error(
              "Trigger registration failed for \"{}\" ({}): {}",
              m.id(),
              m.triggerType(),
              m.error().message());
        }
      }
      case Message.ErrorFrame m ->
          LOG.error(
              "the engine refused connection {}: {}: {}",
              connection.number,
              m.error().code(),
              m.error().message());
      case Message.Unknown m ->
          LOG.warn(
              "ignoring a frame of unknown type {} on connection {}", m.type(), connection.number);
      default ->
          LOG.warn("ignoring a {} frame, which engines do not send", MessageCodec.typeOf(message));
    }
  }

  /**
   * Runs the handler of {@code function}, the one registered for the invocation's function id (null
   * for none: the caller gets {@code function_not_found}), on this thread: the listener thread for
   * a {@link FunctionHandler.OnListener} handler, a task otherwise.
   */
  private void runInvocation(Message.InvokeFunction m, Registry.@Nullable LocalFunction function) {
    String id = m.invocationId();
    if (function == null) {
      if (id != null) {
        outbound.reply(
            Message.InvocationResult.failure(
                    id,
                    m.functionId(),
                    new ErrorBody(ErrorCode.FUNCTION_NOT_FOUND.wire(), "Function not found"))
                .withTrace(m.traceparent(), m.baggage()));
      } else {
        LOG.warn("no local function {} for a fire-and-forget invocation", m.functionId());
      }
      return;
    }
    Invocation invocation =
        new Invocation(id, m.functionId(), m.payload(), m.metadata(), m.traceparent(), m.baggage());
    CompletionStage<JsonNode> stage;
    // The handler's own log lines (on this thread) carry the function and invocation.
    MDC.put(MDC_FUNCTION, m.functionId());
    if (id != null) {
      MDC.put(MDC_INVOCATION, id);
    }
    try {
      stage = function.handler().handle(invocation);
    } catch (RuntimeException | Error e) {
      stage = CompletableFuture.failedFuture(e);
    } finally {
      MDC.remove(MDC_FUNCTION);
      MDC.remove(MDC_INVOCATION);
    }
    if (stage == null) {
      stage = CompletableFuture.completedFuture(null);
    }
    stage.whenComplete(
        (result, error) -> {
          if (id == null) {
            if (error != null) {
              LOG.warn("fire-and-forget invocation of {} failed", m.functionId(), error);
            }
            return;
          }
          if (error != null && !(unwrap(error) instanceof FunctionException)) {
            // A FunctionException is an answer the handler chose; anything else is a fault the
            // worker's own log must show too, not only the caller.
            LOG.warn("handler of {} failed on invocation {}", m.functionId(), id, unwrap(error));
          }
          Message.InvocationResult answer =
              error == null
                  ? Message.InvocationResult.success(id, m.functionId(), result)
                  : Message.InvocationResult.failure(id, m.functionId(), errorBody(error));
          outbound.reply(answer.withTrace(m.traceparent(), m.baggage()));
        });
  }

  private void deliverTrigger(Message.RegisterTrigger m) {
    Registry.LocalTriggerType type = registry.triggerType(m.triggerType());
    if (type == null) {
      outbound.reply(
          new Message.TriggerRegistrationResult(
              m.id(),
              m.triggerType(),
              m.functionId(),
              new ErrorBody(ErrorCode.TRIGGER_TYPE_NOT_FOUND.wire(), "Trigger type not found")));
      return;
    }
    TriggerBinding binding =
        new TriggerBinding(m.id(), m.triggerType(), m.functionId(), m.config(), m.metadata());
    Delivered entry = new Delivered(type.provider(), binding);
    delivered.put(binding.id(), entry);
    CompletionStage<Void> stage;
    try {
      stage = type.provider().registerTrigger(binding);
    } catch (RuntimeException | Error e) {
      stage = CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      stage = CompletableFuture.completedFuture(null);
    }
    stage.whenComplete(
        (ok, error) -> {
          ErrorBody body = null;
          if (error != null) {
            delivered.remove(binding.id(), entry);
            Throwable cause = unwrap(error);
            LOG.warn(
                "provider of {} rejected trigger {}: {}",
                m.triggerType(),
                m.id(),
                messageOf(cause));
            body = new ErrorBody(ErrorCode.TRIGGER_REGISTRATION_FAILED.wire(), messageOf(cause));
          }
          outbound.reply(
              new Message.TriggerRegistrationResult(m.id(), m.triggerType(), m.functionId(), body));
        });
  }

  private void withdrawTrigger(Message.UnregisterTrigger m) {
    Delivered entry = delivered.remove(m.id());
    if (entry != null) {
      unregisterQuietly(entry.provider(), entry.binding());
      return;
    }
    if (m.triggerType() == null) {
      LOG.debug("ignoring unregistertrigger for unknown trigger {}", m.id());
      return;
    }
    Registry.LocalTriggerType type = registry.triggerType(m.triggerType());
    if (type != null) {
      unregisterQuietly(
          type.provider(), new TriggerBinding(m.id(), m.triggerType(), "", null, null));
    }
  }

  private static void unregisterQuietly(TriggerTypeProvider provider, TriggerBinding binding) {
    try {
      provider.unregisterTrigger(binding);
    } catch (RuntimeException | Error e) {
      LOG.warn(
          "provider of {} failed to unregister trigger {}",
          binding.triggerType(),
          binding.id(),
          new WorkerException.HandlerFailed("unregisterTrigger failed", e));
    }
  }

  /**
   * Withdraws every binding delivered on the lost connection from its provider: the engine drops
   * this connection's trigger types and re-delivers every binding to the next one.
   */
  void withdrawDeliveredBindings() {
    runOn(
        providerCalls,
        () -> {
          for (Delivered d : List.copyOf(delivered.values())) {
            if (delivered.remove(d.binding().id(), d)) {
              unregisterQuietly(d.provider(), d.binding());
            }
          }
        });
  }

  /** Whether a frame holds only JSON whitespace (such frames are skipped, spec 1.3). */
  private static boolean blank(byte[] frame) {
    for (byte b : frame) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private static void runOn(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.debug("worker closed; dropping an inbound task");
    }
  }

  static ErrorBody errorBody(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof FunctionException f) {
      return new ErrorBody(f.code(), messageOf(f));
    }
    StringWriter trace = new StringWriter();
    cause.printStackTrace(new PrintWriter(trace));
    return new ErrorBody(ErrorCode.INVOCATION_FAILED.wire(), messageOf(cause), trace.toString());
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String messageOf(Throwable t) {
    return t.getMessage() != null ? t.getMessage() : t.getClass().getName();
  }

  private record Delivered(TriggerTypeProvider provider, TriggerBinding binding) {}
}

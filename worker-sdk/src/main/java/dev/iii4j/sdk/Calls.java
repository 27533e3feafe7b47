package dev.iii4j.sdk;

import static dev.iii4j.sdk.Registry.requireId;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.MessageCodec;
import dev.iii4j.protocol.ProtocolException;
import dev.iii4j.protocol.TriggerAction;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's outgoing calls: starting them, the outstanding ones by invocation id, their
 * timeouts, and their completion by a result, a lost connection or the worker's close.
 *
 * <p>Threading: the outstanding calls are a concurrent map, used without the lock; a call is
 * registered and routed under the worker's one lock ({@link Outbound#lock}) so it is never sent
 * after the close failed the outstanding ones. A result completes its call on the listener thread,
 * without a hand-off (the caller's continuations run on the task executor, see {@link CallFuture});
 * timeouts and lost connections complete calls through the task executor.
 */
final class Calls {

  // The logger of the worker as a whole, so log categories stay as they were.
  private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);

  private final WorkerOptions options;
  private final MessageCodec codec;
  private final Outbound outbound;
  private final Object lock;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService tasks;
  private final ConcurrentHashMap<String, PendingCall> pending = new ConcurrentHashMap<>();

  Calls(
      WorkerOptions options,
      MessageCodec codec,
      Outbound outbound,
      ScheduledExecutorService scheduler,
      ExecutorService tasks) {
    this.options = options;
    this.codec = codec;
    this.outbound = outbound;
    this.lock = outbound.lock;
    this.scheduler = scheduler;
    this.tasks = tasks;
  }

  CompletableFuture<JsonNode> call(
      String functionId, @Nullable JsonNode data, CallOptions callOptions) {
    requireId(functionId, "function id");
    Objects.requireNonNull(callOptions, "callOptions");
    return startCall(
        invocation(functionId, data, callOptions, null, callOptions.metadata()),
        timeoutOf(callOptions));
  }

  /** A call's {@code invokefunction} with a fresh invocation id and the options' trace context. */
  private static Message.InvokeFunction invocation(
      String functionId,
      @Nullable JsonNode data,
      CallOptions callOptions,
      @Nullable TriggerAction action,
      @Nullable JsonNode metadata) {
    return Message.InvokeFunction.of(
        InvocationIds.next(),
        functionId,
        data,
        callOptions.traceparent(),
        callOptions.baggage(),
        action,
        metadata);
  }

  private Duration timeoutOf(CallOptions callOptions) {
    return callOptions.timeout() != null ? callOptions.timeout() : options.invocationTimeout();
  }

  void callVoid(String functionId, @Nullable JsonNode data) {
    requireId(functionId, "function id");
    Message.InvokeFunction message =
        Message.InvokeFunction.of(
            null, functionId, data, null, null, new TriggerAction.Void(), null);
    // Encoded before taking the lock, as calls are: every caller's send waits on that lock.
    byte[] frame;
    try {
      frame = codec.encodeToBytes(message);
    } catch (ProtocolException e) {
      LOG.error("cannot encode the call of {}; not sent", functionId, e);
      return;
    }
    long deadline = outbound.defaultDeadline();
    Connection target;
    synchronized (lock) {
      outbound.requireNotClosed();
      target = outbound.route(frame, deadline, null);
    }
    outbound.offer(target, frame, deadline, null);
  }

  CompletableFuture<String> enqueue(
      String queue, String functionId, @Nullable JsonNode data, CallOptions callOptions) {
    requireId(queue, "queue");
    requireId(functionId, "function id");
    Objects.requireNonNull(callOptions, "callOptions");
    return startCall(
            invocation(functionId, data, callOptions, new TriggerAction.Enqueue(queue), null),
            timeoutOf(callOptions))
        .thenApply(
            result -> {
              JsonNode receipt = result == null ? null : result.get("messageReceiptId");
              if (receipt == null || !receipt.isTextual()) {
                throw new WorkerException.Protocol(
                    "enqueue result without a string messageReceiptId", null);
              }
              return receipt.textValue();
            });
  }

  private CompletableFuture<JsonNode> startCall(Message.InvokeFunction message, Duration timeout) {
    String id = Objects.requireNonNull(message.invocationId());
    byte[] frame;
    try {
      frame = codec.encodeToBytes(message);
    } catch (ProtocolException e) {
      return CompletableFuture.failedFuture(
          new WorkerException.Protocol("cannot encode the call of " + message.functionId(), e));
    }
    PendingCall call = new PendingCall(id, message.functionId(), tasks);
    long deadline;
    Connection target;
    synchronized (lock) {
      if (outbound.isClosed()) {
        return CompletableFuture.failedFuture(new WorkerException.NotConnected("worker is closed"));
      }
      pending.put(id, call);
      long millis = Math.max(1, timeout.toMillis());
      call.timer =
          scheduler.schedule(
              () -> {
                if (pending.remove(id, call)) {
                  completeLater(
                      call.future,
                      null,
                      new WorkerException.Timeout("invocation timed out after " + millis + "ms"));
                }
              },
              timeout.toNanos(),
              TimeUnit.NANOSECONDS);
      deadline = System.nanoTime() + timeout.toNanos();
      target = outbound.route(frame, deadline, call);
    }
    outbound.offer(target, frame, deadline, call);
    CompletableFuture<?> unused =
        call.future.whenCompleteInline(
            (r, e) -> {
              // Also covers a caller cancelling the future.
              pending.remove(id, call);
              ScheduledFuture<?> timer = call.timer;
              if (timer != null) {
                timer.cancel(false);
              }
            });
    return call.future;
  }

  /** Completes the call a result answers, on the listener thread. */
  void onResult(Message.InvocationResult m) {
    PendingCall call = pending.remove(m.invocationId());
    if (call == null) {
      LOG.debug("ignoring the result of unknown or finished invocation {}", m.invocationId());
      return;
    }
    // Completed here, without a hand-off: a caller's continuations run on the task executor anyway
    // (see CallFuture), so nothing the caller attached runs on the listener thread.
    if (m.error() != null) {
      call.future.completeExceptionally(new WorkerException.Remote(call.functionId, m.error()));
    } else {
      call.future.complete(m.result());
    }
  }

  /** Fails every outstanding call with {@code reason}, on this thread (the worker closes). */
  void failAll(Throwable reason) {
    for (PendingCall call : List.copyOf(pending.values())) {
      if (pending.remove(call.invocationId, call)) {
        call.future.completeExceptionally(reason);
      }
    }
  }

  /** Fails the outstanding calls sent on {@code connection}, which was lost, off this thread. */
  void failSentOn(Connection connection, Throwable reason) {
    for (PendingCall call : List.copyOf(pending.values())) {
      if (call.sentOn == connection && pending.remove(call.invocationId, call)) {
        completeLater(call.future, null, reason);
      }
    }
  }

  /** Completes a caller's future off the listener and timer threads. */
  <T> void completeLater(
      CompletableFuture<T> future, @Nullable T value, @Nullable Throwable error) {
    Runnable completion =
        () -> {
          if (error != null) {
            future.completeExceptionally(error);
          } else {
            future.complete(value);
          }
        };
    try {
      tasks.execute(completion);
    } catch (RejectedExecutionException e) {
      completion.run();
    }
  }

  static final class PendingCall {
    final String invocationId;
    final String functionId;
    final CallFuture<JsonNode> future;
    volatile @Nullable Connection sentOn;
    volatile @Nullable ScheduledFuture<?> timer;

    PendingCall(String invocationId, String functionId, Executor continuations) {
      this.invocationId = invocationId;
      this.functionId = functionId;
      this.future = new CallFuture<>(continuations);
    }
  }
}

package dev.iii4j.gateway.invocation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.Payload;
import dev.iii4j.protocol.TriggerAction;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a worker's call before and after the invoker runs it: the access check, the
 * listener's middleware, the enqueue rewrite, the baggage of queued calls, the caller's id in the
 * payload and the answer to the caller. Never blocks, so the WebSocket layer may run it on the
 * socket thread.
 */
@Singleton
public final class InvocationPolicy {

  /** The function the enqueue action is routed through. */
  public static final String ENQUEUE_FUNCTION = "engine::queue::enqueue";

  /** How many queue replicas one enqueue tries when the replica it went to leaves first. */
  static final int ENQUEUE_ATTEMPTS = 3;

  private static final Logger LOG = LoggerFactory.getLogger(InvocationPolicy.class);
  private static final String CALLER_KEY = "_caller_worker_id";

  private final Invoker invoker;
  private final InvokeGuard guard;

  InvocationPolicy(Invoker invoker, InvokeGuard guard) {
    this.invoker = invoker;
    this.guard = guard;
  }

  /**
   * Runs a worker's {@code invokefunction}: checks access, routes it through the listener's
   * middleware or the queue when asked, else calls the function with the caller's id added to an
   * object payload, and answers the caller when it waits for a result.
   */
  public void invoke(WorkerSession session, Message.InvokeFunction m) {
    boolean wantsAnswer = m.invocationId() != null && !(m.action() instanceof TriggerAction.Void);
    var denied = guard.checkInvoke(session, m.functionId());
    if (denied.isPresent()) {
      LOG.info("worker {} may not call {}: {}", session, m.functionId(), denied.get().message());
      if (wantsAnswer) {
        reply(session, m, Outcome.failed(denied.get()));
      }
      return;
    }
    String middleware = session.middlewareFunctionId();
    if (middleware != null && !m.functionId().startsWith("engine::")) {
      throughMiddleware(session, m, middleware, wantsAnswer);
      return;
    }
    if (m.action() instanceof TriggerAction.Enqueue enqueue) {
      enqueue(session, m, enqueue.queue());
      return;
    }
    String invocationId = wantsAnswer ? m.invocationId() : UUID.randomUUID().toString();
    Call call =
        new Call(
            invocationId,
            m.functionId(),
            withCaller(m.payload(), session.workerId()),
            m.metadata(),
            m.traceparent(),
            m.baggage(),
            session);
    CompletableFuture<Outcome> outcome = invoker.invoke(call);
    if (!wantsAnswer) {
      outcome.thenAccept(
          o -> {
            if (o.failed()) {
              LOG.info(
                  "fire-and-forget call of {} from worker {} failed: {} {}",
                  m.functionId(),
                  session,
                  o.error().code(),
                  o.error().message());
            }
          });
      return;
    }
    outcome.thenAccept(o -> reply(session, m, o));
  }

  /** The listener's middleware gets the call instead of the target, and answers for it. */
  private void throughMiddleware(
      WorkerSession session, Message.InvokeFunction m, String middleware, boolean wantsAnswer) {
    JsonNode action =
        switch (m.action()) {
          case null -> null;
          case TriggerAction.Void v -> Json.object().put("type", "void").build();
          case TriggerAction.Enqueue e ->
              Json.object().put("type", "enqueue").put("queue", e.queue()).build();
        };
    JsonNode request =
        Json.object()
            .put("function_id", m.functionId())
            .put("payload", m.data())
            .put("action", action)
            .put("context", session.accessContext())
            .build();
    CompletableFuture<Outcome> outcome =
        invoker.invoke(
            new Call(
                UUID.randomUUID().toString(),
                middleware,
                Payload.of(request),
                m.metadata(),
                m.traceparent(),
                m.baggage(),
                session));
    if (wantsAnswer) {
      outcome.thenAccept(o -> reply(session, m, o));
    }
  }

  private static void reply(WorkerSession caller, Message.InvokeFunction m, Outcome outcome) {
    if (!caller.isOpen()) {
      return;
    }
    caller.send(
        new Message.InvocationResult(
            m.invocationId(),
            m.functionId(),
            outcome.value(),
            outcome.error(),
            m.traceparent(),
            m.baggage()));
  }

  private void enqueue(WorkerSession session, Message.InvokeFunction m, String queue) {
    String receipt = UUID.randomUUID().toString();
    JsonNode request =
        Json.object()
            .put("queue", queue)
            .put("function_id", m.functionId())
            .put("data", m.data())
            .put("messageReceiptId", receipt)
            .put("traceparent", m.traceparent())
            .put("baggage", withFunctionBaggage(m.baggage(), m.functionId()))
            .build();
    CompletableFuture<Outcome> outcome =
        invokeEnqueue(session, m, Payload.of(request), ENQUEUE_ATTEMPTS);
    if (m.invocationId() == null) {
      outcome.thenAccept(
          o -> {
            if (o.failed()) {
              LOG.warn("enqueue of {} to queue {} failed: {}", m.functionId(), queue, o.error());
            }
          });
      return;
    }
    outcome.thenAccept(
        o -> {
          Outcome answer =
              o.failed()
                  ? Outcome.failed(enqueueError(o.error()))
                  : Outcome.ok(Json.object().put("messageReceiptId", receipt).build());
          reply(session, m, answer);
        });
  }

  /**
   * Calls {@code engine::queue::enqueue}; when the replica it went to leaves before answering, the
   * same request (same {@code messageReceiptId}) goes to another live replica. The first one may
   * have stored the message already, so a retried enqueue can be delivered twice (at least once),
   * but a caller never gets an error for a message that was stored.
   */
  private CompletableFuture<Outcome> invokeEnqueue(
      WorkerSession session, Message.InvokeFunction m, Payload request, int attemptsLeft) {
    return invoker
        .invoke(
            new Call(
                UUID.randomUUID().toString(),
                ENQUEUE_FUNCTION,
                request,
                null,
                m.traceparent(),
                m.baggage(),
                session))
        .thenCompose(
            o -> {
              boolean executorLeft =
                  o.failed()
                      && (ErrorCode.INVOCATION_STOPPED.wire().equals(o.error().code())
                          || ErrorCode.CHANNEL_SEND_FAILED.wire().equals(o.error().code()));
              if (!executorLeft || attemptsLeft <= 1 || !session.isOpen()) {
                return CompletableFuture.completedFuture(o);
              }
              LOG.info(
                  "enqueue of {}: the queue replica left before answering; retrying on another"
                      + " replica (the message may be delivered twice)",
                  m.functionId());
              return invokeEnqueue(session, m, request, attemptsLeft - 1);
            });
  }

  private static ErrorBody enqueueError(ErrorBody cause) {
    if (ErrorCode.FUNCTION_NOT_FOUND.wire().equals(cause.code())) {
      return ErrorCode.ENQUEUE_ERROR.body(
          "No queue provider is installed. `TriggerAction::Enqueue` routes through the"
              + " `engine::queue::enqueue` provider, which the standalone queue worker registers."
              + " Add it with `iii worker add queue`. (underlying: "
              + cause.message()
              + ")");
    }
    return ErrorCode.ENQUEUE_ERROR.body(cause.code() + ": " + cause.message());
  }

  /** The caller's baggage with {@code iii.function.id} set to the target. */
  static String withFunctionBaggage(@Nullable String baggage, String functionId) {
    List<String> entries = new ArrayList<>();
    if (baggage != null && !baggage.isBlank()) {
      for (String entry : baggage.split(",")) {
        String trimmed = entry.trim();
        if (!trimmed.isEmpty() && !trimmed.startsWith("iii.function.id=")) {
          entries.add(trimmed);
        }
      }
    }
    entries.add("iii.function.id=" + functionId);
    return String.join(",", entries);
  }

  /**
   * Injects {@code _caller_worker_id} into object payloads, without re-encoding the rest; others
   * pass unchanged.
   */
  static @Nullable Payload withCaller(@Nullable Payload data, String workerId) {
    if (data == null || !data.isObject()) {
      return data;
    }
    return data.withStringField(CALLER_KEY, workerId);
  }
}

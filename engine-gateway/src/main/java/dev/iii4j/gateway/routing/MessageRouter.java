package dev.iii4j.gateway.routing;

import dev.iii4j.gateway.ReservedNames;
import dev.iii4j.gateway.SessionAccess;
import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.access.AccessControl;
import dev.iii4j.gateway.builtin.AvailabilityTriggers;
import dev.iii4j.gateway.channel.ChannelRegistry;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.httpfn.HttpInvocation;
import dev.iii4j.gateway.invocation.HttpFunctionCaller;
import dev.iii4j.gateway.invocation.InvocationPolicy;
import dev.iii4j.gateway.invocation.Invoker;
import dev.iii4j.gateway.registry.ConnectionLimits;
import dev.iii4j.gateway.registry.FunctionDefinition;
import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.gateway.registry.TriggerEntry;
import dev.iii4j.gateway.registry.TriggerRegistry;
import dev.iii4j.gateway.registry.TriggerTypeProvider;
import dev.iii4j.gateway.registry.WorkerRegistry;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.Message;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Applies the frames of one connection to the engine, in arrival order (the WebSocket layer calls
 * {@link #handle} serially per connection), and runs the connect and disconnect flows.
 */
@Singleton
public final class MessageRouter {

  /** MDC key of the worker whose frame is being handled. */
  public static final String MDC_WORKER = "worker_id";

  /** MDC key of the function an invocation frame calls. */
  public static final String MDC_FUNCTION = "function_id";

  /** MDC key of the invocation id of an invocation frame. */
  public static final String MDC_INVOCATION = "invocation_id";

  private static final Logger LOG = LoggerFactory.getLogger(MessageRouter.class);
  private static final long REATTACH_WAIT_MS = 5_000;

  private final FunctionRegistry functions;
  private final TriggerRegistry triggers;
  private final WorkerRegistry workers;
  private final Invoker invoker;
  private final InvocationPolicy invocations;
  private final AvailabilityTriggers availability;
  private final AccessControl access;
  private final ChannelRegistry channels;
  private final HttpFunctionCaller httpFunctions;
  private final boolean secured;
  private final ConnectionLimits limits;

  MessageRouter(
      FunctionRegistry functions,
      TriggerRegistry triggers,
      WorkerRegistry workers,
      Invoker invoker,
      InvocationPolicy invocations,
      AvailabilityTriggers availability,
      AccessControl access,
      ChannelRegistry channels,
      HttpFunctionCaller httpFunctions,
      GatewayProperties properties,
      ConnectionLimits limits) {
    this.functions = functions;
    this.triggers = triggers;
    this.workers = workers;
    this.invoker = invoker;
    this.invocations = invocations;
    this.availability = availability;
    this.access = access;
    this.channels = channels;
    this.httpFunctions = httpFunctions;
    this.secured = properties.secured();
    this.limits = limits;
  }

  /**
   * A connection finished its upgrade: authenticate it (when its listener has an auth function),
   * record it and greet it with {@code workerregistered}.
   *
   * @return false when the connection was refused; it is then closed and its frames are ignored
   */
  public boolean open(WorkerSession session) {
    try {
      session.grant(access.authenticate(session));
    } catch (AccessControl.AuthFailedException e) {
      LOG.warn(
          "connection from {} to listener {} refused by its auth function: {}",
          session.ipAddress(),
          session.listener().name(),
          e.getMessage());
      session.send(new Message.ErrorFrame(ErrorCode.AUTH_ERROR.body(e.getMessage())));
      session.close(1008, "authentication failed");
      session.beginCleanup();
      session.cleanedUp().complete(null);
      return false;
    }
    workers.add(session);
    session.send(new Message.WorkerRegistered(session.workerId(), session.reattachToken()));
    LOG.info(
        "worker {} connected from {}{}",
        session.workerId(),
        session.ipAddress(),
        session.trusted() ? " (service)" : "");
    availability.workerConnected(session.workerId());
    return true;
  }

  /**
   * Applies one inbound frame. Log lines written meanwhile on this thread carry the worker id, and
   * for invocations the function and invocation ids, in the MDC.
   */
  public void handle(WorkerSession session, Message message) {
    MDC.put(MDC_WORKER, session.workerId());
    if (message instanceof Message.InvokeFunction m) {
      MDC.put(MDC_FUNCTION, m.functionId());
      if (m.invocationId() != null) {
        MDC.put(MDC_INVOCATION, m.invocationId());
      }
    }
    try {
      dispatch(session, message);
    } finally {
      MDC.remove(MDC_WORKER);
      MDC.remove(MDC_FUNCTION);
      MDC.remove(MDC_INVOCATION);
    }
  }

  private void dispatch(WorkerSession session, Message message) {
    switch (message) {
      case Message.RegisterFunction m -> registerFunction(session, m);
      case Message.UnregisterFunction m -> unregisterFunction(session, m);
      case Message.InvokeFunction m -> invocations.invoke(session, m);
      case Message.InvocationResult m -> invoker.complete(session, m);
      case Message.RegisterTriggerType m -> registerTriggerType(session, m);
      case Message.UnregisterTriggerType m ->
          // The reference ignores this frame and SDK suites rely on it: a type lives until its
          // provider disconnects.
          LOG.debug("worker {} unregistertriggertype {} ignored", session, m.id());
      case Message.RegisterTrigger m -> registerTrigger(session, m);
      case Message.TriggerRegistrationResult m -> triggerRegistrationResult(session, m);
      case Message.UnregisterTrigger m -> {
        limits.release(session, ConnectionLimits.Kind.TRIGGER, m.id());
        triggers.unregisterTrigger(m.id());
      }
      case Message.Reattach m -> reattach(session, m);
      case Message.Ping m -> session.send(new Message.Pong());
      case Message.Pong m -> {}
      case Message.RegisterService m -> LOG.debug("worker {} registerservice {}", session, m.id());
      case Message.WorkerRegistered m -> protocolViolation(session, "workerregistered");
      case Message.ErrorFrame m -> protocolViolation(session, "error");
      case Message.Unknown m ->
          LOG.debug("worker {} sent unknown type `{}`; ignored", session, m.type());
    }
  }

  private static void protocolViolation(WorkerSession session, String type) {
    LOG.warn("worker {} sent `{}`, which only the engine sends; ignored", session, type);
  }

  private boolean mayClaim(WorkerSession session, String what, String id, boolean reserved) {
    if (!reserved || !secured || session.trusted()) {
      return true;
    }
    String message =
        what
            + " '"
            + id
            + "' belongs to a built-in service; connect with the service token to provide it";
    LOG.warn(
        "worker {} tried to register {} '{}' without the service token; refused",
        session,
        what,
        id);
    session.send(new Message.ErrorFrame(ErrorCode.RESERVED_ID.body(message)));
    return false;
  }

  private void registerFunction(WorkerSession session, Message.RegisterFunction m) {
    SessionAccess granted = session.access();
    if (!granted.allowFunctionRegistration()) {
      LOG.info("worker {} may not register functions; {} dropped", session, m.id());
      return;
    }
    HttpInvocation http = null;
    if (m.invocation() != null) {
      http = admitHttpFunction(session, m).orElse(null);
      if (http == null) {
        return;
      }
    }
    FunctionDefinition requested =
        new FunctionDefinition(
            m.id(), m.description(), m.requestFormat(), m.responseFormat(), m.metadata());
    FunctionDefinition approved = access.onFunctionRegistration(session, requested).orElse(null);
    if (approved == null) {
      return;
    }
    String id = granted.prefixed(approved.id());
    if (!mayClaim(session, "function", id, ReservedNames.isReservedFunction(id))) {
      return;
    }
    FunctionDefinition stored =
        new FunctionDefinition(
            id,
            approved.description(),
            approved.requestFormat(),
            approved.responseFormat(),
            approved.metadata());
    if (!limits.admit(session, ConnectionLimits.Kind.FUNCTION, id)) {
      return;
    }
    if (http != null) {
      functions.registerHttp(session, stored, http);
    } else {
      functions.register(session, stored);
    }
    session.functionIds().add(id);
    availability.functionsChanged();
  }

  /**
   * Validates an HTTP-invoked function. Unlike the reference, which drops a bad registration
   * silently, the registrant gets an {@code error} frame saying why, and the log names it.
   */
  private Optional<HttpInvocation> admitHttpFunction(
      WorkerSession session, Message.RegisterFunction m) {
    ErrorBody refusal;
    HttpInvocation http = null;
    if (!httpFunctions.enabled()) {
      refusal =
          ErrorCode.INVALID_HTTP_INVOCATION.body(
              "HTTP-invoked functions are disabled on this engine");
    } else {
      try {
        http = HttpInvocation.parse(m.invocation());
        refusal = httpFunctions.admit(http).orElse(null);
      } catch (IllegalArgumentException e) {
        refusal = ErrorCode.INVALID_HTTP_INVOCATION.body(e.getMessage());
      }
    }
    if (refusal != null) {
      LOG.warn(
          "worker {} registered HTTP-invoked function {}: refused ({}: {})",
          session,
          m.id(),
          refusal.code(),
          refusal.message());
      session.send(
          new Message.ErrorFrame(
              new ErrorBody(
                  refusal.code(), "function '" + m.id() + "' refused: " + refusal.message())));
      return Optional.empty();
    }
    return Optional.of(http);
  }

  private void unregisterFunction(WorkerSession session, Message.UnregisterFunction m) {
    String id = session.access().prefixed(m.id());
    if (functions.unregister(session, id)) {
      availability.functionsChanged();
    }
    session.functionIds().remove(id);
  }

  private void registerTriggerType(WorkerSession session, Message.RegisterTriggerType request) {
    if (!session.access().allowTriggerTypeRegistration()) {
      LOG.info("worker {} may not provide trigger types; {} dropped", session, request.id());
      return;
    }
    Message.RegisterTriggerType m = access.onTriggerTypeRegistration(session, request).orElse(null);
    if (m == null
        || !mayClaim(
            session, "trigger type", m.id(), ReservedNames.isReservedTriggerType(m.id()))) {
      return;
    }
    if (!limits.admit(session, ConnectionLimits.Kind.TRIGGER_TYPE, m.id())) {
      return;
    }
    boolean accepted =
        triggers.registerType(
            m.id(),
            new TriggerTypeProvider.Worker(
                session, m.description(), m.triggerRequestFormat(), m.callRequestFormat()));
    if (!accepted) {
      LOG.warn("worker {} tried to provide engine trigger type {}; refused", session, m.id());
      session.send(
          new Message.ErrorFrame(
              ErrorCode.RESERVED_ID.body(
                  "trigger type '" + m.id() + "' is implemented by the engine itself")));
    }
  }

  private void registerTrigger(WorkerSession session, Message.RegisterTrigger request) {
    SessionAccess granted = session.access();
    if (granted.allowedTriggerTypes() != null
        && !granted.allowedTriggerTypes().contains(request.triggerType())) {
      LOG.info(
          "worker {} may not bind trigger type {}; trigger {} dropped",
          session,
          request.triggerType(),
          request.id());
      return;
    }
    Message.RegisterTrigger m = access.onTriggerRegistration(session, request).orElse(null);
    if (m == null) {
      return;
    }
    if (!limits.admit(session, ConnectionLimits.Kind.TRIGGER, m.id())) {
      return;
    }
    String functionId = granted.prefixed(m.functionId());
    TriggerEntry entry =
        new TriggerEntry(
            m.id(), m.triggerType(), functionId, m.config(), m.metadata(), session, false);
    triggers
        .registerTrigger(entry)
        .ifPresent(
            error ->
                session.send(
                    new Message.TriggerRegistrationResult(
                        m.id(), m.triggerType(), functionId, error)));
  }

  private void triggerRegistrationResult(
      WorkerSession provider, Message.TriggerRegistrationResult m) {
    // engine::register_trigger waits for this answer, success or not; otherwise successes are
    // silent and a rejection parks the binding and is reported to its owner.
    if (triggers.acknowledge(provider, m) || m.error() == null) {
      return;
    }
    triggers
        .rejected(provider, m)
        .ifPresent(
            owner ->
                owner.send(
                    new Message.TriggerRegistrationResult(
                        m.id(), m.triggerType(), m.functionId(), m.error())));
  }

  private void reattach(WorkerSession session, Message.Reattach m) {
    WorkerSession previous = workers.get(m.previousWorkerId());
    if (previous == null
        || previous == session
        || m.reattachToken() == null
        || !m.reattachToken().equals(previous.reattachToken())) {
      LOG.debug("worker {} reattach to {} ignored", session, m.previousWorkerId());
      return;
    }
    LOG.info("worker {} reattaches; evicting its previous connection {}", session, previous);
    previous.close(1000, "reattached");
    cleanup(previous);
    try {
      previous.cleanedUp().get(REATTACH_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.warn("cleanup of {} did not finish in time for reattach", previous, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Disconnect cleanup; runs once per connection, later callers wait for the first: functions it
   * provides, calls it takes part in, triggers it owns, trigger types it provides, then the worker
   * record.
   */
  public void cleanup(WorkerSession session) {
    if (!session.beginCleanup()) {
      return;
    }
    try {
      boolean unregistered = false;
      for (String id : List.copyOf(session.functionIds())) {
        unregistered |= functions.unregister(session, id);
      }
      if (unregistered) {
        availability.functionsChanged();
      }
      invoker.halt(session);
      triggers.removeSession(session);
      channels.dropOwnedBy(session);
      workers.remove(session);
      LOG.info("worker {} disconnected", session);
      availability.workerDisconnected(session.workerId());
    } finally {
      session.cleanedUp().complete(null);
    }
  }
}

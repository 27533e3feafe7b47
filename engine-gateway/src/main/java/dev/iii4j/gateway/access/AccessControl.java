package dev.iii4j.gateway.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.ExposeFilter;
import dev.iii4j.gateway.ListenerPolicy;
import dev.iii4j.gateway.SessionAccess;
import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.invocation.Call;
import dev.iii4j.gateway.invocation.InvokeGuard;
import dev.iii4j.gateway.invocation.Invoker;
import dev.iii4j.gateway.invocation.Outcome;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.gateway.registry.FunctionDefinition;
import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.Message;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RBAC of the worker listeners: authenticates connections through the listener's auth function,
 * decides which functions a connection may call, and asks the registration hooks.
 *
 * <p>Auth, hooks and middleware are ordinary functions registered by some worker; the engine calls
 * them like any other function and waits at most {@code engine.gateway.hook-timeout} for them. A
 * hook denies by failing, timing out, or answering anything but an object or {@code true}; an
 * object allows and may rewrite fields. (The reference engine treats {@code true} as a denial; we
 * accept it, since SDK suites write hooks that return booleans.)
 *
 * <p>These methods block while a function runs, so they must be called from virtual threads (the
 * connection's serial executor), never from socket threads.
 */
@Singleton
public final class AccessControl implements InvokeGuard {

  /** Why a connection was refused. */
  public static final class AuthFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AuthFailedException(String message) {
      super(message);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);

  private final Invoker invoker;
  private final FunctionRegistry functions;
  private final long hookTimeoutMs;

  AccessControl(Invoker invoker, FunctionRegistry functions, GatewayProperties properties) {
    this.invoker = invoker;
    this.functions = functions;
    this.hookTimeoutMs = properties.hookTimeout().toMillis();
  }

  /**
   * Decides what a new connection may do.
   *
   * @throws AuthFailedException when the listener's auth function refuses or fails
   */
  public SessionAccess authenticate(WorkerSession session) {
    ListenerPolicy.Rbac rbac = session.listener().rbac();
    if (rbac == null || rbac.authFunctionId() == null) {
      return SessionAccess.PERMISSIVE;
    }
    Map<String, JsonNode> headers = new LinkedHashMap<>();
    session
        .handshake()
        .headers()
        .forEach((k, v) -> headers.put(k, dev.iii4j.protocol.Json.nodes().textNode(v)));
    Map<String, JsonNode> query = new LinkedHashMap<>();
    session
        .handshake()
        .queryParams()
        .forEach(
            (k, values) ->
                query.put(
                    k,
                    Json.array(
                        values.stream()
                            .<JsonNode>map(dev.iii4j.protocol.Json.nodes()::textNode)
                            .toList())));
    JsonNode input =
        Json.object()
            .put(
                "headers",
                new com.fasterxml.jackson.databind.node.ObjectNode(
                    dev.iii4j.protocol.Json.nodes(), headers))
            .put(
                "query_params",
                new com.fasterxml.jackson.databind.node.ObjectNode(
                    dev.iii4j.protocol.Json.nodes(), query))
            .put("ip_address", session.ipAddress())
            .build();
    Outcome outcome = call(rbac.authFunctionId(), input, null);
    if (outcome.failed()) {
      throw new AuthFailedException(outcome.error().message());
    }
    if (outcome.result() == null || !outcome.result().isObject()) {
      throw new AuthFailedException("auth function returned no result");
    }
    return decode(outcome.result());
  }

  private static SessionAccess decode(JsonNode result) {
    return new SessionAccess(
        strings(result, "allowed_functions", Set.of()),
        strings(result, "forbidden_functions", Set.of()),
        strings(result, "allowed_trigger_types", null),
        flag(result, "allow_trigger_type_registration", false),
        flag(result, "allow_function_registration", true),
        result.get("context") == null || result.get("context").isNull()
            ? new com.fasterxml.jackson.databind.node.ObjectNode(
                dev.iii4j.protocol.Json.nodes(), Map.of())
            : result.get("context"),
        prefix(result));
  }

  private static @Nullable Set<String> strings(
      JsonNode result, String field, @Nullable Set<String> absent) {
    JsonNode value = result.get(field);
    if (value == null || value.isNull()) {
      return absent;
    }
    if (!value.isArray()) {
      throw new AuthFailedException(
          "auth function returned an invalid `" + field + "`: expected a list of strings");
    }
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw new AuthFailedException(
            "auth function returned an invalid `" + field + "`: expected a list of strings");
      }
      out.add(item.textValue());
    }
    return Set.copyOf(out);
  }

  private static boolean flag(JsonNode result, String field, boolean absent) {
    JsonNode value = result.get(field);
    if (value == null || value.isNull()) {
      return absent;
    }
    if (!value.isBoolean()) {
      throw new AuthFailedException(
          "auth function returned an invalid `" + field + "`: expected a boolean");
    }
    return value.booleanValue();
  }

  private static @Nullable String prefix(JsonNode result) {
    JsonNode value = result.get("function_registration_prefix");
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new AuthFailedException(
          "auth function returned an invalid `function_registration_prefix`: expected a string");
    }
    return value.textValue().isEmpty() ? null : value.textValue();
  }

  /**
   * Whether the connection may call a function.
   *
   * @return the {@code FORBIDDEN} error to answer with, or empty when allowed
   */
  @Override
  public Optional<ErrorBody> checkInvoke(WorkerSession session, String functionId) {
    SessionAccess access = session.access();
    if (access.forbiddenFunctions().contains(functionId)) {
      return Optional.of(
          ErrorCode.FORBIDDEN.body(
              "function '" + functionId + "' not allowed (remove from rbac.forbidden_functions)"));
    }
    if (access.allowedFunctions().contains(functionId)
        || SessionAccess.ALWAYS_ALLOWED.contains(functionId)) {
      return Optional.empty();
    }
    ListenerPolicy.Rbac rbac = session.listener().rbac();
    if (rbac == null) {
      return Optional.empty();
    }
    FunctionRegistry.Pool pool = functions.get(functionId);
    JsonNode metadata = pool == null ? null : pool.definition().metadata();
    for (ExposeFilter filter : rbac.expose()) {
      if (filter.matches(functionId, metadata)) {
        return Optional.empty();
      }
    }
    return Optional.of(
        ErrorCode.FORBIDDEN.body(
            "function '" + functionId + "' not allowed (add to rbac.expose_functions)"));
  }

  /** Whether listings should show the function to this connection. */
  public boolean visible(WorkerSession session, String functionId) {
    return checkInvoke(session, functionId).isEmpty();
  }

  /**
   * Asks the function registration hook. Ids are as the worker sent them (before any prefix).
   *
   * @return the definition to register (possibly rewritten), or empty when denied
   */
  public Optional<FunctionDefinition> onFunctionRegistration(
      WorkerSession session, FunctionDefinition definition) {
    ListenerPolicy.Rbac rbac = session.listener().rbac();
    if (rbac == null || rbac.onFunctionRegistration() == null) {
      return Optional.of(definition);
    }
    JsonNode input =
        Json.object()
            .put("function_id", definition.id())
            .put("description", definition.description())
            .put("metadata", definition.metadata())
            .put("context", session.access().context())
            .build();
    return hook(rbac.onFunctionRegistration(), input, session)
        .map(
            rewrite ->
                new FunctionDefinition(
                    text(rewrite, "function_id", definition.id()),
                    text(rewrite, "description", definition.description()),
                    definition.requestFormat(),
                    definition.responseFormat(),
                    rewrite.get("metadata") != null
                        ? rewrite.get("metadata")
                        : definition.metadata()));
  }

  /**
   * Asks the trigger type registration hook.
   *
   * @return the registration to apply (possibly rewritten), or empty when denied
   */
  public Optional<Message.RegisterTriggerType> onTriggerTypeRegistration(
      WorkerSession session, Message.RegisterTriggerType message) {
    ListenerPolicy.Rbac rbac = session.listener().rbac();
    if (rbac == null || rbac.onTriggerTypeRegistration() == null) {
      return Optional.of(message);
    }
    JsonNode input =
        Json.object()
            .put("trigger_type_id", message.id())
            .put("description", message.description())
            .put("context", session.access().context())
            .build();
    return hook(rbac.onTriggerTypeRegistration(), input, session)
        .map(
            rewrite ->
                new Message.RegisterTriggerType(
                    text(rewrite, "trigger_type_id", message.id()),
                    text(rewrite, "description", message.description()),
                    message.triggerRequestFormat(),
                    message.callRequestFormat()));
  }

  /**
   * Asks the trigger registration hook.
   *
   * @return the registration to apply (possibly rewritten), or empty when denied
   */
  public Optional<Message.RegisterTrigger> onTriggerRegistration(
      WorkerSession session, Message.RegisterTrigger message) {
    ListenerPolicy.Rbac rbac = session.listener().rbac();
    if (rbac == null || rbac.onTriggerRegistration() == null) {
      return Optional.of(message);
    }
    JsonNode input =
        Json.object()
            .put("trigger_id", message.id())
            .put("trigger_type", message.triggerType())
            .put("function_id", message.functionId())
            .put("config", message.config())
            .put("metadata", message.metadata())
            .put("context", session.access().context())
            .build();
    return hook(rbac.onTriggerRegistration(), input, session)
        .map(
            rewrite ->
                new Message.RegisterTrigger(
                    text(rewrite, "trigger_id", message.id()),
                    text(rewrite, "trigger_type", message.triggerType()),
                    text(rewrite, "function_id", message.functionId()),
                    rewrite.get("config") != null ? rewrite.get("config") : message.config(),
                    message.metadata()));
  }

  private Optional<JsonNode> hook(String hookId, JsonNode input, WorkerSession session) {
    Outcome outcome = call(hookId, input, null);
    if (outcome.failed()) {
      LOG.info(
          "hook {} denied a registration of worker {}: {}",
          hookId,
          session,
          outcome.error().message());
      return Optional.empty();
    }
    JsonNode result = outcome.result();
    if (result != null && result.isObject()) {
      return Optional.of(result);
    }
    if (result != null && result.isBoolean() && result.booleanValue()) {
      return Optional.of(
          new com.fasterxml.jackson.databind.node.ObjectNode(
              dev.iii4j.protocol.Json.nodes(), Map.of()));
    }
    LOG.info("hook {} denied a registration of worker {}", hookId, session);
    return Optional.empty();
  }

  private Outcome call(String functionId, JsonNode input, @Nullable JsonNode metadata) {
    try {
      return invoker
          .invoke(Call.internal(functionId, input, metadata))
          .get(hookTimeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return Outcome.failed(
          ErrorCode.INVOCATION_TIMEOUT.body(
              functionId + " did not answer within " + hookTimeoutMs + " ms"));
    } catch (ExecutionException e) {
      return Outcome.failed(ErrorCode.INVOCATION_ERROR.body(String.valueOf(e.getCause())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.failed(ErrorCode.INVOCATION_STOPPED.body("Invocation stopped"));
    }
  }

  private static @Nullable String text(JsonNode rewrite, String field, @Nullable String original) {
    JsonNode value = rewrite.get(field);
    return value != null && value.isTextual() ? value.textValue() : original;
  }
}

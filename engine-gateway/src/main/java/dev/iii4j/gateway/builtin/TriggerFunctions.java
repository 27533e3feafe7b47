package dev.iii4j.gateway.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.SessionAccess;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.gateway.registry.BuiltinCall;
import dev.iii4j.gateway.registry.BuiltinException;
import dev.iii4j.gateway.registry.BuiltinFunction;
import dev.iii4j.gateway.registry.FunctionDefinition;
import dev.iii4j.gateway.registry.FunctionProvider;
import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.gateway.registry.TriggerEntry;
import dev.iii4j.gateway.registry.TriggerRegistry;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.ErrorCode;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Function-path trigger registration of {@code iii-engine-functions} (spec 4.4):
 *
 * <ul>
 *   <li>{@code engine::register_trigger {trigger_type, function_id, config?, metadata?}} answers
 *       {@code {"id":"<uuid v4>"}}. The binding has no owner, so it outlives the caller's
 *       connection and is only removed by {@code engine::unregister_trigger}. A type nobody
 *       provides parks it (still a success). For a worker-provided type the call blocks until the
 *       first provider's {@code triggerregistrationresult} for the id, at most {@code
 *       engine.gateway.register-trigger-ack-timeout} (10 s): a rejection fails the call with {@code
 *       trigger_registration_failed} and message {@code "<code>: <message>"} and the binding is
 *       dropped; silence counts as success. An in-process type's rejection fails it with {@code
 *       trigger_registration_failed} and the type's message.
 *   <li>{@code engine::unregister_trigger {id, trigger_type?}} answers {@code {"removed":bool}}:
 *       true when a live or parked binding existed (its providers get {@code unregistertrigger}).
 *       There is no ownership check, as in the reference.
 * </ul>
 *
 * <p>Both run on the invoker's virtual threads, where blocking on the acknowledgement is cheap.
 */
@Context
@Requires(property = GatewayProperties.ENABLED, notEquals = "false")
public final class TriggerFunctions {

  private static final Logger LOG = LoggerFactory.getLogger(TriggerFunctions.class);

  private final TriggerRegistry triggers;
  private final Duration ackTimeout;

  TriggerFunctions(
      FunctionRegistry functions, TriggerRegistry triggers, GatewayProperties properties) {
    this.triggers = triggers;
    this.ackTimeout = properties.registerTriggerAckTimeout();
    register(
        functions,
        "engine::register_trigger",
        "Register a trigger that fires `function_id`; returns the trigger id",
        this::registerTrigger);
    register(
        functions,
        "engine::unregister_trigger",
        "Unregister a trigger by id; reports whether it existed",
        this::unregisterTrigger);
  }

  private static void register(
      FunctionRegistry functions, String id, String description, BuiltinFunction function) {
    functions.registerBuiltin(
        new FunctionProvider.Builtin(
            new FunctionDefinition(id, description, null, null, null),
            InProcessWorker.ENGINE_FUNCTIONS.workerName(),
            function));
  }

  private JsonNode registerTrigger(BuiltinCall call) {
    String type = call.requiredString("trigger_type");
    String requestedFunction = call.requiredString("function_id");
    SessionAccess granted =
        call.caller() == null ? SessionAccess.PERMISSIVE : call.caller().access();
    if (granted.allowedTriggerTypes() != null && !granted.allowedTriggerTypes().contains(type)) {
      throw new BuiltinException(
          ErrorCode.FORBIDDEN, "Trigger type '" + type + "' is not allowed for this session.");
    }
    // The session's registration prefix applies here too (spec 4.4); the hook does not.
    String functionId = granted.prefixed(requestedFunction);
    JsonNode config = call.optionalTree("config");
    JsonNode metadata = call.optionalTree("metadata");
    String id = UUID.randomUUID().toString();
    TriggerEntry entry = new TriggerEntry(id, type, functionId, config, metadata, null, false);
    CompletableFuture<Optional<ErrorBody>> ack = triggers.registerAwaitingAck(entry);
    Optional<ErrorBody> rejection;
    try {
      rejection = ack.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // The reference fails open: a provider that never answers keeps the binding, and a late
      // rejection still parks it through the ordinary path.
      triggers.stopWaiting(id, ack);
      LOG.debug("no answer from the {} provider for trigger {} in {}", type, id, ackTimeout);
      // An answer that won the race with stopWaiting has already been applied; report it.
      rejection = ack.getNow(Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      triggers.stopWaiting(id, ack);
      throw new BuiltinException(ErrorCode.INVOCATION_STOPPED, "Invocation stopped");
    } catch (ExecutionException e) {
      throw new IllegalStateException("trigger acknowledgements never fail", e);
    }
    if (rejection.isPresent()) {
      throw new BuiltinException(ErrorCode.TRIGGER_REGISTRATION_FAILED, rejection.get().message());
    }
    return Json.object().put("id", id).build();
  }

  private JsonNode unregisterTrigger(BuiltinCall call) {
    String id = call.requiredString("id");
    // Not used for the lookup (spec 3.9), but a mistyped value still fails to decode.
    call.optionalString("trigger_type");
    return Json.object().put("removed", triggers.unregisterTrigger(id)).build();
  }
}

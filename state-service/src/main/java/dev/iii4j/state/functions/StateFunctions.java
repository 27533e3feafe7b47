package dev.iii4j.state.functions;

import dev.iii4j.ops.Requests;
import dev.iii4j.ops.UpdateOps;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.Invocation;
import dev.iii4j.service.BlockingCalls;
import dev.iii4j.service.RequestErrors;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.service.outbox.EventTrace;
import dev.iii4j.state.StateChange;
import dev.iii4j.state.StateService;
import dev.iii4j.state.StateStoreException;
import dev.iii4j.state.ValueTooLargeException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers {@code state::set/get/delete/update/list/list_groups} and the {@code state} trigger
 * type on the SDK worker at startup, then connects it. Each function parses its request (a schema
 * mismatch answers {@code deserialization_error}), calls {@link StateService}, and shapes the
 * result as the spec says; store failures answer the function's own code ({@code SET_ERROR}, ...).
 * Function bodies run on the {@link BlockingCalls} platform threads, not the SDK's virtual threads.
 */
@Singleton
@Requires(env = StateService.ENVIRONMENT)
final class StateFunctions {
  private static final Logger LOG = LoggerFactory.getLogger(StateFunctions.class);

  private final EngineWorker worker;
  private final StateService state;
  private final StateTriggers triggers;
  private final BlockingCalls calls;

  StateFunctions(
      EngineWorker worker, StateService state, StateTriggers triggers, BlockingCalls calls) {
    this.worker = worker;
    this.calls = calls;
    this.state = state;
    this.triggers = triggers;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    worker.registerTriggerType(
        StateTriggers.TYPE, "Fires on state changes (set, update, delete)", triggers.table());
    register("state::set", ErrorCode.STATE_SET_ERROR.wire(), "Failed to set value: ", this::set);
    register(
        "state::get",
        ErrorCode.STATE_GET_ERROR.wire(),
        "Failed to get value: ",
        in -> get(SerdeTrees.data(in)));
    register(
        "state::delete",
        ErrorCode.STATE_DELETE_ERROR.wire(),
        "Failed to delete value: ",
        this::delete);
    register(
        "state::update",
        ErrorCode.STATE_UPDATE_ERROR.wire(),
        "Failed to update value: ",
        this::update);
    register(
        "state::list",
        ErrorCode.STATE_LIST_ERROR.wire(),
        "Failed to list values: ",
        in -> list(SerdeTrees.data(in)));
    register(
        "state::list_groups",
        ErrorCode.STATE_LIST_GROUPS_ERROR.wire(),
        "Failed to list groups: ",
        in -> groups(SerdeTrees.data(in)));
    worker.start();
    LOG.info("state service connecting to {}", worker.options().engineUrl());
  }

  private void register(
      String id, String errorCode, String errorPrefix, Function<Invocation, JsonNode> body) {
    Function<Invocation, JsonNode> guarded = RequestErrors.guarded(id, body);
    worker.registerFunction(
        id,
        calls.invocationHandler(
            input -> {
              try {
                return guarded.apply(input);
              } catch (ValueTooLargeException e) {
                throw new FunctionException(ErrorCode.VALUE_TOO_LARGE.wire(), e.getMessage(), e);
              } catch (StateStoreException e) {
                LOG.warn("{} failed", id, e);
                throw new FunctionException(errorCode, errorPrefix + e.getMessage(), e);
              }
            }));
  }

  private JsonNode set(Invocation invocation) {
    JsonNode request = Requests.object(SerdeTrees.data(invocation));
    String scope = Requests.string(request, "scope", "");
    String key = Requests.string(request, "key", "");
    JsonNode value = Requests.valueOrData(request);
    StateChange change = state.set(scope, key, value, EventTrace.of(invocation));
    return UpdateOps.answer(change.previous(), change.current(), List.of());
  }

  private JsonNode get(JsonNode input) {
    JsonNode request = Requests.object(input);
    String scope = Requests.string(request, "scope", "");
    String key = Requests.string(request, "key", "");
    // No result for an absent key; an explicit `result: null` for a stored null (a null node),
    // which the gateway forwards from this trusted service, as the reference engine answers.
    return state.get(scope, key).orElse(null);
  }

  private JsonNode delete(Invocation invocation) {
    JsonNode request = Requests.object(SerdeTrees.data(invocation));
    String scope = Requests.string(request, "scope", "");
    String key = Requests.string(request, "key", "");
    return state.delete(scope, key, EventTrace.of(invocation)).previous().orElse(null);
  }

  private JsonNode update(Invocation invocation) {
    JsonNode request = Requests.object(SerdeTrees.data(invocation));
    String scope = Requests.string(request, "scope", "");
    String key = Requests.string(request, "key", "");
    StateService.UpdateResult result =
        state.update(scope, key, Requests.ops(request), EventTrace.of(invocation));
    return UpdateOps.answer(result.change().previous(), result.change().current(), result.errors());
  }

  private JsonNode list(JsonNode input) {
    JsonNode request = Requests.object(input);
    String scope = Requests.string(request, "scope", "");
    return JsonNode.createArrayNode(state.list(scope));
  }

  private JsonNode groups(JsonNode input) {
    Requests.object(input);
    List<JsonNode> names = new ArrayList<>();
    for (String scope : state.groups()) {
      names.add(JsonNode.createStringNode(scope));
    }
    return JsonNode.createObjectNode(Map.of("groups", JsonNode.createArrayNode(names)));
  }
}

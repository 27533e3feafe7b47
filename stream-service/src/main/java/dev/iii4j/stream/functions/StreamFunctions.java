package dev.iii4j.stream.functions;

import dev.iii4j.ops.Requests;
import dev.iii4j.ops.UpdateOp;
import dev.iii4j.ops.UpdateOps;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.Invocation;
import dev.iii4j.service.BlockingCalls;
import dev.iii4j.service.RequestErrors;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.service.outbox.EventTrace;
import dev.iii4j.stream.CustomStorageException;
import dev.iii4j.stream.ItemChange;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.StreamStoreException;
import dev.iii4j.stream.StreamSummary;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers {@code stream::set/get/delete/list/list_groups/list_all/send/update} and the trigger
 * types {@code stream}, {@code stream:join} and {@code stream:leave} on the SDK worker at startup,
 * then connects it. Each function parses its request (a schema mismatch answers {@code
 * deserialization_error}), calls {@link StreamService}, and shapes the result as the spec says.
 *
 * <p>Errors: a store failure answers the function's own code ({@code STREAM_SET_ERROR}, ...); a
 * custom storage function's error is passed through by {@code get}, {@code list} and {@code
 * list_groups} and wrapped by {@code set}, {@code delete} and {@code update}; a custom result of
 * the wrong shape answers {@code JSON_ERROR}.
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
final class StreamFunctions {
  private static final Logger LOG = LoggerFactory.getLogger(StreamFunctions.class);

  private final EngineWorker worker;
  private final StreamService streams;
  private final StreamTriggers triggers;
  private final SubscriptionTriggers subscriptions;
  private final GatewayCustomStorage customStorage;
  private final BlockingCalls calls;

  StreamFunctions(
      EngineWorker worker,
      StreamService streams,
      StreamTriggers triggers,
      SubscriptionTriggers subscriptions,
      GatewayCustomStorage customStorage,
      BlockingCalls calls) {
    this.worker = worker;
    this.customStorage = customStorage;
    this.calls = calls;
    this.streams = streams;
    this.triggers = triggers;
    this.subscriptions = subscriptions;
  }

  /** How a function reports failures. */
  private record Errors(String code, String prefix, boolean passCustomErrors) {}

  /** An invocation with its payload, parsed once. */
  private record Request(Invocation invocation, @Nullable JsonNode data) {}

  @EventListener
  void onStartup(StartupEvent event) {
    worker.registerTriggerType(StreamTriggers.TYPE, "Stream trigger", triggers.table());
    worker.registerTriggerType(
        SubscriptionTriggers.JOIN, "Stream join trigger", subscriptions.joins());
    worker.registerTriggerType(
        SubscriptionTriggers.LEAVE, "Stream leave trigger", subscriptions.leaves());
    register(
        "stream::set",
        new Errors(ErrorCode.STREAM_SET_ERROR.wire(), "Failed to set value: ", false),
        this::set);
    register(
        "stream::get",
        new Errors(ErrorCode.STREAM_GET_ERROR.wire(), "Failed to get value: ", true),
        in -> get(in.data()));
    register(
        "stream::delete",
        new Errors(ErrorCode.STREAM_DELETE_ERROR.wire(), "Failed to delete value: ", false),
        this::delete);
    register(
        "stream::list",
        new Errors(ErrorCode.STREAM_GET_GROUP_ERROR.wire(), "Failed to get group: ", true),
        in -> list(in.data()));
    register(
        "stream::list_groups",
        new Errors(ErrorCode.STREAM_LIST_GROUPS_ERROR.wire(), "Failed to list groups: ", true),
        in -> listGroups(in.data()));
    register(
        "stream::list_all",
        new Errors(ErrorCode.STREAM_LIST_ALL_ERROR.wire(), "Failed to list stream: ", false),
        in -> listAll(in.data()));
    register(
        "stream::send",
        new Errors(ErrorCode.STREAM_SEND_ERROR.wire(), "Failed to send event: ", false),
        this::send);
    register(
        "stream::update",
        new Errors(ErrorCode.STREAM_UPDATE_ERROR.wire(), "Failed to update value: ", false),
        this::update);
    customStorage.register();
    var unused = worker.start();
    LOG.info("stream service connecting to {}", worker.options().engineUrl());
  }

  /**
   * Registers a function whose body runs on the {@link BlockingCalls} platform threads when its
   * stream has no custom storage (the usual case: the body then only uses the database), and on the
   * SDK's virtual thread otherwise (a custom storage function is a call through the gateway, which
   * must not hold a pool thread).
   */
  private void register(String id, Errors errors, Function<Request, JsonNode> body) {
    Function<Request, JsonNode> guarded = RequestErrors.guarded(id, body);
    worker.registerFunction(
        id,
        invocation -> {
          Request request = new Request(invocation, SerdeTrees.data(invocation));
          if (customStorage.mayProvide(streamName(request.data()))) {
            return CompletableFuture.completedFuture(answer(id, errors, guarded, request));
          }
          return calls.supply(() -> answer(id, errors, guarded, request));
        });
  }

  private static com.fasterxml.jackson.databind.@Nullable JsonNode answer(
      String id, Errors errors, Function<Request, JsonNode> body, Request request) {
    try {
      return SerdeTrees.raw(body.apply(request));
    } catch (StreamStoreException e) {
      LOG.warn("{} failed", id, e);
      throw new FunctionException(errors.code(), errors.prefix() + e.getMessage(), e);
    } catch (CustomStorageException e) {
      throw custom(id, errors, e);
    }
  }

  /** The request's {@code stream_name}, when it has one (else there is no custom storage). */
  private static @Nullable String streamName(@Nullable JsonNode data) {
    JsonNode name = data != null && data.isObject() ? data.get("stream_name") : null;
    return name != null && name.isString() ? name.getStringValue() : null;
  }

  private static FunctionException custom(String id, Errors errors, CustomStorageException e) {
    return switch (e.kind()) {
      case BAD_RESULT -> new FunctionException(e.code(), e.getMessage(), e);
      case NO_RESULT -> new FunctionException(errors.code(), errors.prefix() + e.getMessage(), e);
      case FAILED -> {
        if (errors.passCustomErrors()) {
          yield new FunctionException(e.code(), e.getMessage(), e);
        }
        LOG.warn("{}: custom storage failed: {}: {}", id, e.code(), e.getMessage());
        yield new FunctionException(
            errors.code(),
            errors.prefix() + "Failed to invoke function: " + e.code() + ": " + e.getMessage(),
            e);
      }
    };
  }

  private JsonNode set(Request in) {
    JsonNode request = Requests.object(in.data());
    ItemChange change =
        streams.set(
            Requests.string(request, "stream_name", ""),
            Requests.string(request, "group_id", ""),
            Requests.string(request, "item_id", ""),
            Requests.any(request, "data", ""),
            EventTrace.of(in.invocation()));
    return UpdateOps.answer(change.previous(), change.current(), List.of());
  }

  private JsonNode get(JsonNode input) {
    JsonNode request = Requests.object(input);
    // No result for an absent item; an explicit `result: null` for a stored null (a null node),
    // which the gateway forwards from this trusted service.
    return streams
        .get(
            Requests.string(request, "stream_name", ""),
            Requests.string(request, "group_id", ""),
            Requests.string(request, "item_id", ""))
        .orElse(null);
  }

  private JsonNode delete(Request in) {
    JsonNode request = Requests.object(in.data());
    Optional<JsonNode> old =
        streams.delete(
            Requests.string(request, "stream_name", ""),
            Requests.string(request, "group_id", ""),
            Requests.string(request, "item_id", ""),
            EventTrace.of(in.invocation()));
    Map<String, JsonNode> result = new LinkedHashMap<>();
    result.put("old_value", old.orElse(JsonNode.nullNode()));
    return JsonNode.createObjectNode(result);
  }

  private JsonNode list(JsonNode input) {
    JsonNode request = Requests.object(input);
    return streams.list(
        Requests.string(request, "stream_name", ""), Requests.string(request, "group_id", ""));
  }

  private JsonNode listGroups(JsonNode input) {
    JsonNode request = Requests.object(input);
    return streams.groups(Requests.string(request, "stream_name", ""));
  }

  private JsonNode listAll(JsonNode input) {
    Requests.object(input);
    List<JsonNode> items = new ArrayList<>();
    List<StreamSummary> all = streams.streams();
    for (StreamSummary stream : all) {
      List<JsonNode> groups = new ArrayList<>(stream.groups().size());
      for (String group : stream.groups()) {
        groups.add(JsonNode.createStringNode(group));
      }
      Map<String, JsonNode> fields = new LinkedHashMap<>();
      fields.put("id", JsonNode.createStringNode(stream.id()));
      fields.put("groups", JsonNode.createArrayNode(groups));
      items.add(JsonNode.createObjectNode(fields));
    }
    Map<String, JsonNode> result = new LinkedHashMap<>();
    result.put("stream", JsonNode.createArrayNode(items));
    result.put("count", JsonNode.createNumberNode(all.size()));
    return JsonNode.createObjectNode(result);
  }

  private JsonNode send(Request in) {
    JsonNode request = Requests.object(in.data());
    streams.send(
        Requests.string(request, "stream_name", ""),
        Requests.string(request, "group_id", ""),
        Requests.optionalString(request, "id", ""),
        Requests.string(request, "type", ""),
        Requests.any(request, "data", ""),
        EventTrace.of(in.invocation()));
    // The reference answers an explicit null; the gateway forwards it from this trusted service.
    return JsonNode.nullNode();
  }

  private JsonNode update(Request in) {
    JsonNode request = Requests.object(in.data());
    String streamName = Requests.string(request, "stream_name", "");
    String groupId = Requests.string(request, "group_id", "");
    String itemId = Requests.string(request, "item_id", "");
    List<UpdateOp> ops = Requests.ops(request);
    StreamService.UpdateResult result =
        streams.update(
            streamName, groupId, itemId, ops, request.get("ops"), EventTrace.of(in.invocation()));
    return UpdateOps.answer(result.change().previous(), result.change().current(), result.errors());
  }
}

package dev.iii4j.stream.functions;

import dev.iii4j.ops.Requests;
import dev.iii4j.ops.UpdateOp;
import dev.iii4j.ops.UpdateOpError;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.Invocation;
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

  StreamFunctions(
      EngineWorker worker,
      StreamService streams,
      StreamTriggers triggers,
      SubscriptionTriggers subscriptions,
      GatewayCustomStorage customStorage) {
    this.worker = worker;
    this.customStorage = customStorage;
    this.streams = streams;
    this.triggers = triggers;
    this.subscriptions = subscriptions;
  }

  /** How a function reports failures. */
  private record Errors(String code, String prefix, boolean passCustomErrors) {}

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
        in -> get(SerdeTrees.data(in)));
    register(
        "stream::delete",
        new Errors(ErrorCode.STREAM_DELETE_ERROR.wire(), "Failed to delete value: ", false),
        this::delete);
    register(
        "stream::list",
        new Errors(ErrorCode.STREAM_GET_GROUP_ERROR.wire(), "Failed to get group: ", true),
        in -> list(SerdeTrees.data(in)));
    register(
        "stream::list_groups",
        new Errors(ErrorCode.STREAM_LIST_GROUPS_ERROR.wire(), "Failed to list groups: ", true),
        in -> listGroups(SerdeTrees.data(in)));
    register(
        "stream::list_all",
        new Errors(ErrorCode.STREAM_LIST_ALL_ERROR.wire(), "Failed to list stream: ", false),
        in -> listAll(SerdeTrees.data(in)));
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

  private void register(String id, Errors errors, Function<Invocation, JsonNode> body) {
    Function<Invocation, JsonNode> guarded = RequestErrors.guarded(id, body);
    worker.registerFunction(
        id,
        invocation -> {
          try {
            return CompletableFuture.completedFuture(SerdeTrees.sdk(guarded.apply(invocation)));
          } catch (StreamStoreException e) {
            LOG.warn("{} failed", id, e);
            throw new FunctionException(errors.code(), errors.prefix() + e.getMessage(), e);
          } catch (CustomStorageException e) {
            throw custom(id, errors, e);
          }
        });
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

  private JsonNode set(Invocation invocation) {
    JsonNode request = Requests.object(SerdeTrees.data(invocation));
    ItemChange change =
        streams.set(
            Requests.string(request, "stream_name", ""),
            Requests.string(request, "group_id", ""),
            Requests.string(request, "item_id", ""),
            Requests.any(request, "data", ""),
            EventTrace.of(invocation));
    return oldAndNew(change, List.of());
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

  private JsonNode delete(Invocation invocation) {
    JsonNode request = Requests.object(SerdeTrees.data(invocation));
    Optional<JsonNode> old =
        streams.delete(
            Requests.string(request, "stream_name", ""),
            Requests.string(request, "group_id", ""),
            Requests.string(request, "item_id", ""),
            EventTrace.of(invocation));
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

  private JsonNode send(Invocation invocation) {
    JsonNode request = Requests.object(SerdeTrees.data(invocation));
    streams.send(
        Requests.string(request, "stream_name", ""),
        Requests.string(request, "group_id", ""),
        Requests.optionalString(request, "id", ""),
        Requests.string(request, "type", ""),
        Requests.any(request, "data", ""),
        EventTrace.of(invocation));
    // The reference answers an explicit null; the gateway forwards it from this trusted service.
    return JsonNode.nullNode();
  }

  private JsonNode update(Invocation invocation) {
    JsonNode request = Requests.object(SerdeTrees.data(invocation));
    String streamName = Requests.string(request, "stream_name", "");
    String groupId = Requests.string(request, "group_id", "");
    String itemId = Requests.string(request, "item_id", "");
    List<UpdateOp> ops = Requests.ops(request);
    StreamService.UpdateResult result =
        streams.update(
            streamName, groupId, itemId, ops, request.get("ops"), EventTrace.of(invocation));
    return oldAndNew(result.change(), result.errors());
  }

  private static JsonNode oldAndNew(ItemChange change, List<UpdateOpError> errors) {
    Map<String, JsonNode> result = new LinkedHashMap<>();
    result.put("old_value", change.previous().orElse(JsonNode.nullNode()));
    result.put("new_value", change.current() == null ? JsonNode.nullNode() : change.current());
    if (!errors.isEmpty()) {
      List<JsonNode> items = new ArrayList<>(errors.size());
      for (UpdateOpError error : errors) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        fields.put("op_index", JsonNode.createNumberNode(error.opIndex()));
        fields.put("code", JsonNode.createStringNode(error.code()));
        fields.put("message", JsonNode.createStringNode(error.message()));
        if (error.docUrl() != null) {
          fields.put("doc_url", JsonNode.createStringNode(error.docUrl()));
        }
        items.add(JsonNode.createObjectNode(fields));
      }
      result.put("errors", JsonNode.createArrayNode(items));
    }
    return JsonNode.createObjectNode(result);
  }
}

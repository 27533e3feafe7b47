package dev.iii4j.stream;

import dev.iii4j.ops.JsonText;
import dev.iii4j.ops.Requests;
import dev.iii4j.ops.UpdateOp;
import dev.iii4j.ops.UpdateOpError;
import dev.iii4j.ops.UpdateOps;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.service.outbox.EventDispatcher;
import dev.iii4j.service.outbox.EventTarget;
import dev.iii4j.service.outbox.EventTrace;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stream policy behind {@code stream::*} and the client subscriptions: routes each operation to
 * a custom storage function when one is registered for the stream, else to the {@link StreamStore};
 * picks the {@code stream} triggers a change is recorded for; publishes the change's message to
 * every replica; wakes the {@link EventDispatcher} after commit.
 *
 * <p>Threading: thread-safe; methods block on the store or the custom function. Errors: {@link
 * StreamStoreException} from the store, {@link CustomStorageException} from a custom function.
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
public final class StreamService {
  /**
   * The Micronaut environment of the stream service. Its beans exist only in a context that has it,
   * so a test JVM can run a gateway context and service contexts side by side.
   */
  public static final String ENVIRONMENT = "stream-service";

  private final StreamStore store;
  private final TriggerBindings bindings;
  private final EventDispatcher<StreamMessage> dispatcher;
  private final CustomStorage custom;

  StreamService(
      StreamStore store,
      TriggerBindings bindings,
      EventDispatcher<StreamMessage> dispatcher,
      CustomStorage custom) {
    this.store = store;
    this.bindings = bindings;
    this.dispatcher = dispatcher;
    this.custom = custom;
  }

  /**
   * The outcome of {@link #update}.
   *
   * @param change the previous and stored value
   * @param errors the ops that failed and were skipped
   */
  public record UpdateResult(ItemChange change, List<UpdateOpError> errors) {}

  /**
   * Stores an item (a null node stores JSON null) and publishes {@code create} or {@code update}.
   *
   * @param trace the caller's trace context, which the trigger calls of the change continue
   */
  public ItemChange set(
      String streamName, String groupId, String itemId, JsonNode data, @Nullable EventTrace trace) {
    Map<String, JsonNode> request = item(streamName, groupId, itemId);
    request.put("data", data);
    Optional<CustomStorage.Answer> answer =
        custom.call("set", streamName, JsonNode.createObjectNode(request));
    if (answer.isPresent()) {
      JsonNode result = required(answer.get(), "StreamSetResult");
      ItemChange change = new ItemChange(oldValue(result), field(result, "new_value"));
      publishChange(streamName, groupId, itemId, change, trace);
      return change;
    }
    List<EventTarget> targets = bindings.matching(streamName, groupId, itemId);
    ItemChange change = store.put(streamName, groupId, itemId, data, targets, trace);
    wake(targets);
    return change;
  }

  /** The item, or empty when it does not exist (or a custom {@code get} answered nothing). */
  public Optional<JsonNode> get(String streamName, String groupId, String itemId) {
    Optional<CustomStorage.Answer> answer =
        custom.call(
            "get", streamName, JsonNode.createObjectNode(item(streamName, groupId, itemId)));
    if (answer.isPresent()) {
      return Optional.ofNullable(answer.get().result());
    }
    return store.get(streamName, groupId, itemId);
  }

  /**
   * Deletes an item; publishes {@code delete} when it existed. Returns the deleted value. {@code
   * trace} is the caller's trace context, which the trigger calls of the change continue.
   */
  public Optional<JsonNode> delete(
      String streamName, String groupId, String itemId, @Nullable EventTrace trace) {
    Optional<CustomStorage.Answer> answer =
        custom.call(
            "delete", streamName, JsonNode.createObjectNode(item(streamName, groupId, itemId)));
    if (answer.isPresent()) {
      Optional<JsonNode> old = oldValue(required(answer.get(), "StreamDeleteResult"));
      if (old.isPresent()) {
        StreamMessage message =
            StreamMessage.deleted(
                streamName, groupId, itemId, old.get(), System.currentTimeMillis());
        publish(message, trace);
      }
      return old;
    }
    List<EventTarget> targets = bindings.matching(streamName, groupId, itemId);
    Optional<JsonNode> deleted = store.delete(streamName, groupId, itemId, targets, trace);
    wake(targets);
    return deleted;
  }

  /**
   * Applies update ops atomically; the result is stored even when some ops failed.
   *
   * @param ops the parsed ops
   * @param rawOps the ops as received, passed on to a custom {@code update} function
   * @param trace the caller's trace context, which the trigger calls of the change continue
   */
  public UpdateResult update(
      String streamName,
      String groupId,
      String itemId,
      List<UpdateOp> ops,
      JsonNode rawOps,
      @Nullable EventTrace trace) {
    Map<String, JsonNode> request = item(streamName, groupId, itemId);
    request.put("ops", rawOps);
    Optional<CustomStorage.Answer> answer =
        custom.call("update", streamName, JsonNode.createObjectNode(request));
    if (answer.isPresent()) {
      JsonNode result = required(answer.get(), "StreamUpdateResult");
      ItemChange change = new ItemChange(oldValue(result), field(result, "new_value"));
      List<UpdateOpError> errors = errors(result.get("errors"));
      publishChange(streamName, groupId, itemId, change, trace);
      return new UpdateResult(change, errors);
    }
    AtomicReference<UpdateOps.Result> applied = new AtomicReference<>();
    List<EventTarget> targets = bindings.matching(streamName, groupId, itemId);
    ItemChange change =
        store.write(
            streamName,
            groupId,
            itemId,
            old -> {
              UpdateOps.Result result = UpdateOps.apply(old, ops);
              applied.set(result);
              return result.value();
            },
            targets,
            trace);
    wake(targets);
    return new UpdateResult(change, applied.get().errors());
  }

  /**
   * The items of a group in insertion order; a custom {@code list} answer is passed through as it
   * is (null when it answered nothing).
   */
  public @Nullable JsonNode list(String streamName, String groupId) {
    Map<String, JsonNode> request = new LinkedHashMap<>();
    request.put("stream_name", JsonNode.createStringNode(streamName));
    request.put("group_id", JsonNode.createStringNode(groupId));
    Optional<CustomStorage.Answer> answer =
        custom.call("list", streamName, JsonNode.createObjectNode(request));
    if (answer.isPresent()) {
      return answer.get().result();
    }
    return JsonNode.createArrayNode(store.list(streamName, groupId));
  }

  /**
   * The groups of a stream, sorted; a custom {@code list_groups} answer is passed through as it is
   * (null when it answered nothing).
   */
  public @Nullable JsonNode groups(String streamName) {
    Optional<CustomStorage.Answer> answer =
        custom.call(
            "list_groups",
            streamName,
            JsonNode.createObjectNode(
                Map.of("stream_name", JsonNode.createStringNode(streamName))));
    if (answer.isPresent()) {
      return answer.get().result();
    }
    List<JsonNode> names = new ArrayList<>();
    for (String group : store.groups(streamName)) {
      names.add(JsonNode.createStringNode(group));
    }
    return JsonNode.createArrayNode(names);
  }

  /** Every stream of the built-in store with its groups (custom storage is not consulted). */
  public List<StreamSummary> streams() {
    return store.streams();
  }

  /**
   * Publishes a custom event to the group's (or one item's) subscribers and triggers. {@code trace}
   * is the caller's trace context, which the trigger calls continue.
   */
  public void send(
      String streamName,
      String groupId,
      @Nullable String id,
      String type,
      JsonNode data,
      @Nullable EventTrace trace) {
    StreamMessage message =
        StreamMessage.custom(streamName, groupId, id, type, data, System.currentTimeMillis());
    publish(message, trace);
  }

  private void publishChange(
      String streamName,
      String groupId,
      String itemId,
      ItemChange change,
      @Nullable EventTrace trace) {
    StreamMessage message =
        StreamMessage.change(
            streamName,
            groupId,
            itemId,
            change.previous(),
            change.current(),
            System.currentTimeMillis());
    publish(message, trace);
  }

  private void publish(StreamMessage message, @Nullable EventTrace trace) {
    List<EventTarget> targets =
        bindings.matching(message.streamName(), message.groupId(), message.id());
    store.publish(message, targets, trace);
    wake(targets);
  }

  private void wake(List<EventTarget> targets) {
    if (!targets.isEmpty()) {
      dispatcher.wake();
    }
  }

  private static Map<String, JsonNode> item(String streamName, String groupId, String itemId) {
    Map<String, JsonNode> request = new LinkedHashMap<>();
    request.put("stream_name", JsonNode.createStringNode(streamName));
    request.put("group_id", JsonNode.createStringNode(groupId));
    request.put("item_id", JsonNode.createStringNode(itemId));
    return request;
  }

  private static JsonNode required(CustomStorage.Answer answer, String shape) {
    JsonNode result = answer.result();
    if (result == null) {
      throw new CustomStorageException(
          CustomStorageException.Kind.NO_RESULT, "NO_RESULT", "Function returned no result");
    }
    if (!result.isObject()) {
      throw badResult(
          "invalid type: " + Requests.unexpected(result) + ", expected struct " + shape);
    }
    return result;
  }

  /** {@code old_value}: absent or null both mean "none", as serde reads {@code Option<Value>}. */
  private static Optional<JsonNode> oldValue(JsonNode result) {
    JsonNode old = result.get("old_value");
    return old == null || old.isNull() ? Optional.empty() : Optional.of(old);
  }

  private static JsonNode field(JsonNode result, String name) {
    JsonNode value = result.get(name);
    if (value == null) {
      throw badResult("missing field `" + name + "`");
    }
    return value;
  }

  private static List<UpdateOpError> errors(@Nullable JsonNode errors) {
    if (errors == null || errors.isNull()) {
      return List.of();
    }
    if (!errors.isArray()) {
      throw badResult(
          "invalid type: " + Requests.unexpected(errors) + ", expected a sequence at `errors`");
    }
    List<UpdateOpError> parsed = new ArrayList<>(errors.size());
    for (JsonNode error : errors.values()) {
      JsonNode index = error.get("op_index");
      JsonNode code = error.get("code");
      JsonNode message = error.get("message");
      JsonNode doc = error.get("doc_url");
      if (!error.isObject()
          || index == null
          || !index.isNumber()
          || code == null
          || !code.isString()
          || message == null
          || !message.isString()) {
        throw badResult("invalid UpdateOpError in `errors`: " + JsonText.write(error));
      }
      parsed.add(
          new UpdateOpError(
              index.getIntValue(),
              code.getStringValue(),
              message.getStringValue(),
              doc != null && doc.isString() ? doc.getStringValue() : null));
    }
    return parsed;
  }

  private static CustomStorageException badResult(String detail) {
    return new CustomStorageException(
        CustomStorageException.Kind.BAD_RESULT,
        ErrorCode.STREAM_JSON_ERROR.wire(),
        "Failed to convert result to value: " + detail);
  }
}

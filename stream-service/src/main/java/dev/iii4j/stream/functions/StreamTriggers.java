package dev.iii4j.stream.functions;

import dev.iii4j.ops.Requests;
import dev.iii4j.sdk.BindingTable;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.service.outbox.EventTarget;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.TriggerBindings;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bindings of the {@code stream} trigger type: config {@code {stream_name, group_id?, item_id?,
 * condition_function_id?}}. {@code stream_name} is required and matched exactly; {@code group_id}
 * and {@code item_id} match everything when absent or empty, else exactly. Unknown keys are
 * ignored; a missing {@code stream_name} or a field of the wrong type is rejected with {@code
 * Failed to deserialize stream trigger: <detail>}.
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
public final class StreamTriggers implements TriggerBindings {
  /** The trigger type id. */
  public static final String TYPE = "stream";

  private static final List<String> OPTIONAL_FIELDS =
      List.of("group_id", "item_id", BindingTable.CONDITION_FUNCTION_ID);

  private final BindingTable table = new BindingTable(StreamTriggers::validate);

  /** The table the SDK feeds with {@code registertrigger} / {@code unregistertrigger}. */
  public BindingTable table() {
    return table;
  }

  @Override
  public List<EventTarget> matching(String streamName, String groupId, @Nullable String id) {
    List<EventTarget> targets = new ArrayList<>();
    String itemId = id == null ? "" : id;
    for (TriggerBinding binding : table.bindings()) {
      JsonNode config = SerdeTrees.serde(binding.config());
      if (streamName.equals(field(config, "stream_name"))
          && matches(field(config, "group_id"), groupId)
          && matches(field(config, "item_id"), itemId)) {
        targets.add(
            new EventTarget(
                binding.id(), binding.functionId(), config, SerdeTrees.serde(binding.metadata())));
      }
    }
    // Bindings come from a hash map; a stable order keeps deliveries reproducible.
    targets.sort((a, b) -> a.triggerId().compareTo(b.triggerId()));
    return targets;
  }

  private static boolean matches(@Nullable String filter, String value) {
    return filter == null || filter.isEmpty() || filter.equals(value);
  }

  private static @Nullable String field(@Nullable JsonNode config, String name) {
    if (config == null || !config.isObject()) {
      return null;
    }
    JsonNode value = config.get(name);
    return value == null || !value.isString() ? null : value.getStringValue();
  }

  private static Optional<String> validate(TriggerBinding binding) {
    JsonNode config = SerdeTrees.serde(binding.config());
    if (config == null || !config.isObject()) {
      return Optional.of(
          "Failed to deserialize stream trigger: invalid type: "
              + Requests.unexpected(config)
              + ", expected struct StreamTriggerConfig");
    }
    JsonNode name = config.get("stream_name");
    if (name == null || name.isNull()) {
      return Optional.of("Failed to deserialize stream trigger: missing field `stream_name`");
    }
    List<String> fields = new ArrayList<>(OPTIONAL_FIELDS);
    fields.add(0, "stream_name");
    for (String field : fields) {
      JsonNode value = config.get(field);
      if (value != null && !value.isNull() && !value.isString()) {
        return Optional.of(
            "Failed to deserialize stream trigger: invalid type: "
                + Requests.unexpected(value)
                + ", expected a string at `"
                + field
                + "`");
      }
    }
    return Optional.empty();
  }
}

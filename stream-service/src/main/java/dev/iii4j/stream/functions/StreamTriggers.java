package dev.iii4j.stream.functions;

import dev.iii4j.sdk.BindingTable;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.service.TriggerConfigs;
import dev.iii4j.service.outbox.EventTarget;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.TriggerBindings;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
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
    String itemId = id == null ? "" : id;
    return EventTarget.matching(
        table,
        config ->
            streamName.equals(TriggerConfigs.string(config, "stream_name"))
                && matches(TriggerConfigs.string(config, "group_id"), groupId)
                && matches(TriggerConfigs.string(config, "item_id"), itemId));
  }

  private static boolean matches(@Nullable String filter, String value) {
    return filter == null || filter.isEmpty() || filter.equals(value);
  }

  private static Optional<String> validate(TriggerBinding binding) {
    return TriggerConfigs.stringFields(
        binding,
        "Failed to deserialize stream trigger",
        "struct StreamTriggerConfig",
        List.of("stream_name"),
        OPTIONAL_FIELDS);
  }
}

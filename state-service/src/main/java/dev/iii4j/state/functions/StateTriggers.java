package dev.iii4j.state.functions;

import dev.iii4j.sdk.BindingTable;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.service.TriggerConfigs;
import dev.iii4j.service.outbox.EventTarget;
import dev.iii4j.state.StateService;
import dev.iii4j.state.TriggerBindings;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * The bindings of the {@code state} trigger type: config {@code {scope?, key?,
 * condition_function_id?}}, exact-match filters, unknown keys ignored, a field of the wrong type
 * rejected with {@code Failed to parse trigger config: <detail>}. An absent or null config matches
 * everything.
 */
@Singleton
@Requires(env = StateService.ENVIRONMENT)
public final class StateTriggers implements TriggerBindings {
  /** The trigger type id. */
  public static final String TYPE = "state";

  private static final List<String> STRING_FIELDS =
      List.of("scope", "key", BindingTable.CONDITION_FUNCTION_ID);

  private final BindingTable table = new BindingTable(StateTriggers::validate);

  /** The table the SDK feeds with {@code registertrigger} / {@code unregistertrigger}. */
  public BindingTable table() {
    return table;
  }

  @Override
  public List<EventTarget> matching(String scope, String key) {
    return EventTarget.matching(
        table,
        config ->
            matches(TriggerConfigs.string(config, "scope"), scope)
                && matches(TriggerConfigs.string(config, "key"), key));
  }

  private static boolean matches(@Nullable String filter, String value) {
    return filter == null || filter.equals(value);
  }

  private static Optional<String> validate(TriggerBinding binding) {
    return TriggerConfigs.stringFields(binding, "struct StateTriggerConfig", STRING_FIELDS);
  }
}

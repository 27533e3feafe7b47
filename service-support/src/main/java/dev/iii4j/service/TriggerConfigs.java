package dev.iii4j.service;

import dev.iii4j.ops.Requests;
import dev.iii4j.sdk.TriggerBinding;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one check of a trigger binding's config whose fields are strings, with the reference's
 * wording for a config of the wrong shape ("Failed to parse trigger config: invalid type: ..."),
 * for a {@code BindingTable} validator; and the one reading of such a field once checked.
 */
public final class TriggerConfigs {
  /** How the reference starts the error of a trigger config it cannot read. */
  public static final String PARSE_FAILURE = "Failed to parse trigger config";

  private TriggerConfigs() {}

  /**
   * Why the binding's config is refused, or empty when it is absent, null, or an object whose
   * {@code fields} are strings or null where present.
   *
   * @param expected what the config should have been, as the error names it (for example {@code "an
   *     object"} or {@code "struct StateTriggerConfig"})
   */
  public static Optional<String> stringFields(
      TriggerBinding binding, String expected, List<String> fields) {
    return stringFields(binding, PARSE_FAILURE, expected, List.of(), fields);
  }

  /**
   * Why the binding's config is refused, or empty when it is an object whose {@code required}
   * fields are present and not null and whose {@code required} and {@code optional} fields are
   * strings or null where present. An absent or null config is accepted when nothing is required
   * (it has no fields), and refused as of the wrong type otherwise.
   *
   * @param failure how the error starts (for example {@link #PARSE_FAILURE}); {@code ": "} and the
   *     detail follow
   * @param expected what the config should have been, as the error names it
   */
  public static Optional<String> stringFields(
      TriggerBinding binding,
      String failure,
      String expected,
      List<String> required,
      List<String> optional) {
    JsonNode config = SerdeTrees.serde(binding.config());
    if ((config == null || config.isNull()) && required.isEmpty()) {
      return Optional.empty();
    }
    if (config == null || !config.isObject()) {
      return Optional.of(
          failure + ": invalid type: " + Requests.unexpected(config) + ", expected " + expected);
    }
    for (String name : required) {
      JsonNode value = config.get(name);
      if (value == null || value.isNull()) {
        return Optional.of(failure + ": missing field `" + name + "`");
      }
    }
    List<String> fields = new ArrayList<>(required);
    fields.addAll(optional);
    for (String name : fields) {
      JsonNode value = config.get(name);
      if (value != null && !value.isNull() && !value.isString()) {
        return Optional.of(
            failure
                + ": invalid type: "
                + Requests.unexpected(value)
                + ", expected a string at `"
                + name
                + "`");
      }
    }
    return Optional.empty();
  }

  /**
   * The string at {@code name} of a config checked by {@link #stringFields}; null when the config
   * is not an object or the field is absent, null or not a string.
   */
  public static @Nullable String string(@Nullable JsonNode config, String name) {
    if (config == null || !config.isObject()) {
      return null;
    }
    JsonNode value = config.get(name);
    return value == null || !value.isString() ? null : value.getStringValue();
  }
}

package dev.iii4j.service;

import dev.iii4j.ops.Requests;
import dev.iii4j.sdk.TriggerBinding;
import io.micronaut.json.tree.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * The one check of a trigger binding's config whose fields are optional strings, with the
 * reference's wording for a config of the wrong shape ("Failed to parse trigger config: invalid
 * type: ..."), for a {@code BindingTable} validator.
 */
public final class TriggerConfigs {
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
    JsonNode config = SerdeTrees.serde(binding.config());
    if (config == null || config.isNull()) {
      return Optional.empty();
    }
    if (!config.isObject()) {
      return Optional.of(
          "Failed to parse trigger config: invalid type: "
              + Requests.unexpected(config)
              + ", expected "
              + expected);
    }
    for (String name : fields) {
      JsonNode value = config.get(name);
      if (value != null && !value.isNull() && !value.isString()) {
        return Optional.of(
            "Failed to parse trigger config: invalid type: "
                + Requests.unexpected(value)
                + ", expected a string at `"
                + name
                + "`");
      }
    }
    return Optional.empty();
  }
}

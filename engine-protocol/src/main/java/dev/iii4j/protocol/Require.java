package dev.iii4j.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** Checks of required wire fields, used in the records' compact constructors. */
final class Require {
  private Require() {}

  /** Fails when a required field is absent. */
  static void present(@Nullable Object value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("missing field `" + field + "`");
    }
  }

  /**
   * A JSON {@code null} tree as a Java null: data binding reads {@code "field": null} as a null
   * node, and the records treat it as absent.
   */
  static @Nullable JsonNode absentIfNull(@Nullable JsonNode value) {
    return value == null || value.isNull() ? null : value;
  }
}

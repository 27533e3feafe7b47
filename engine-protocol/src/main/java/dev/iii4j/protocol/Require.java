package dev.iii4j.protocol;

import io.micronaut.core.annotation.Nullable;

/** Checks of required wire fields, used in the records' compact constructors. */
final class Require {
  private Require() {}

  /** Fails when a required field is absent. */
  static void present(@Nullable Object value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("missing field `" + field + "`");
    }
  }
}

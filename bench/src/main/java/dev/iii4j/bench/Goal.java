package dev.iii4j.bench;

import java.util.Locale;

/**
 * The goal of a row: a bound on the ratio ours / floor, a bound on our own figure, a bound on how
 * much ours may exceed the floor, or none (the figure is reported for its own sake).
 */
record Goal(Kind kind, double threshold) {

  /** What the threshold bounds. */
  enum Kind {
    RATIO_AT_MOST,
    RATIO_AT_LEAST,
    VALUE_AT_MOST,
    AT_MOST_FLOOR_PLUS,
    NONE
  }

  static Goal ratioAtMost(double threshold) {
    return new Goal(Kind.RATIO_AT_MOST, threshold);
  }

  static Goal ratioAtLeast(double threshold) {
    return new Goal(Kind.RATIO_AT_LEAST, threshold);
  }

  static Goal valueAtMost(double threshold) {
    return new Goal(Kind.VALUE_AT_MOST, threshold);
  }

  /** Ours at most the floor plus {@code margin} (in the row's unit). */
  static Goal atMostFloorPlus(double margin) {
    return new Goal(Kind.AT_MOST_FLOOR_PLUS, margin);
  }

  static Goal none() {
    return new Goal(Kind.NONE, 0);
  }

  /** The goal in words, for the report. */
  String describe(Unit unit) {
    return switch (kind) {
      case RATIO_AT_MOST -> "≤ " + ratio(threshold);
      case RATIO_AT_LEAST -> "≥ " + ratio(threshold);
      case VALUE_AT_MOST -> "< " + unit.format(threshold);
      case AT_MOST_FLOOR_PLUS -> "≤ floor + " + unit.format(threshold);
      case NONE -> "report";
    };
  }

  /**
   * Whether a row with this goal passed; {@code floor} and {@code ratio} are null for rows without
   * a floor.
   */
  Verdict judge(double ours, Double floor, Double ratio) {
    return switch (kind) {
      case RATIO_AT_MOST ->
          ratio == null ? Verdict.ERROR : ratio <= threshold ? Verdict.PASS : Verdict.MISS;
      case RATIO_AT_LEAST ->
          ratio == null ? Verdict.ERROR : ratio >= threshold ? Verdict.PASS : Verdict.MISS;
      case VALUE_AT_MOST -> ours < threshold ? Verdict.PASS : Verdict.MISS;
      case AT_MOST_FLOOR_PLUS ->
          floor == null ? Verdict.ERROR : ours <= floor + threshold ? Verdict.PASS : Verdict.MISS;
      case NONE -> Verdict.REPORT;
    };
  }

  static String ratio(double value) {
    return String.format(Locale.ROOT, "%.2fx", value);
  }
}

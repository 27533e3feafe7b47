package dev.iii4j.bench;

import io.micronaut.core.annotation.Nullable;

/**
 * One line of the report.
 *
 * @param id the benchmark, for example {@code B1}
 * @param name what was measured, for example {@code p50 round trip, 1 in flight}
 * @param unit the unit of {@code ours} and {@code floor}
 * @param ours our figure ({@code NaN} when the benchmark failed)
 * @param floor the floor's figure, measured in the same run; null for rows without a floor
 * @param goal the goal of the row
 * @param note a remark printed under the table, or null
 * @param error why the benchmark produced no figure, or null
 */
record Row(
    String id,
    String name,
    Unit unit,
    double ours,
    @Nullable Double floor,
    Goal goal,
    @Nullable String note,
    @Nullable String error) {

  /** A row with a floor; the ratio is ours / floor. */
  static Row vsFloor(String id, String name, Unit unit, double ours, double floor, Goal goal) {
    return new Row(id, name, unit, ours, floor, goal, null, null);
  }

  /** A row without a floor. */
  static Row alone(String id, String name, Unit unit, double ours, Goal goal) {
    return new Row(id, name, unit, ours, null, goal, null, null);
  }

  /** A row for a benchmark that crashed. */
  static Row failed(String id, String name, String error) {
    return new Row(id, name, Unit.MILLIS, Double.NaN, null, Goal.none(), null, error);
  }

  Row withNote(String text) {
    return new Row(id, name, unit, ours, floor, goal, text, error);
  }

  /** Ours divided by the floor, or null without a (non-zero) floor. */
  @Nullable
  Double ratio() {
    if (floor == null || floor == 0 || Double.isNaN(ours)) {
      return null;
    }
    return ours / floor;
  }

  Verdict verdict() {
    if (error != null || Double.isNaN(ours)) {
      return Verdict.ERROR;
    }
    return goal.judge(ours, floor, ratio());
  }
}

package dev.iii4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  @Test
  void latencyRowPassesAtOrUnderItsRatioAndMissesAbove() {
    Row pass = Row.vsFloor("B1", "p50", Unit.MICROS, 250, 100, Goal.ratioAtMost(2.5));
    Row miss = Row.vsFloor("B1", "p50", Unit.MICROS, 251, 100, Goal.ratioAtMost(2.5));

    assertThat(pass.ratio()).isEqualTo(2.5);
    assertThat(pass.verdict()).isEqualTo(Verdict.PASS);
    assertThat(miss.verdict()).isEqualTo(Verdict.MISS);
  }

  @Test
  void throughputRowNeedsAtLeastItsRatio() {
    assertThat(Row.vsFloor("B2", "64", Unit.PER_SECOND, 40, 100, Goal.ratioAtLeast(0.4)).verdict())
        .isEqualTo(Verdict.PASS);
    assertThat(Row.vsFloor("B2", "64", Unit.PER_SECOND, 39, 100, Goal.ratioAtLeast(0.4)).verdict())
        .isEqualTo(Verdict.MISS);
  }

  @Test
  void absoluteGoalsIgnoreTheMissingFloor() {
    Row rss = Row.alone("B8", "rss", Unit.MEGABYTES, 299, Goal.valueAtMost(300));
    Row cleanup = Row.alone("B8", "cleanup", Unit.MILLIS, 2000, Goal.valueAtMost(2000));

    assertThat(rss.ratio()).isNull();
    assertThat(rss.verdict()).isEqualTo(Verdict.PASS);
    assertThat(cleanup.verdict()).isEqualTo(Verdict.MISS);
  }

  @Test
  void aMarginGoalAllowsTheFloorPlusTheMarginAndNoMore() {
    Goal goal = Goal.atMostFloorPlus(150);
    assertThat(Row.vsFloor("B7", "p50", Unit.MICROS, 350, 200, goal).verdict())
        .isEqualTo(Verdict.PASS);
    assertThat(Row.vsFloor("B7", "p50", Unit.MICROS, 351, 200, goal).verdict())
        .isEqualTo(Verdict.MISS);
    assertThat(Row.alone("B7", "p50", Unit.MICROS, 1, goal).verdict()).isEqualTo(Verdict.ERROR);
    assertThat(goal.describe(Unit.MICROS)).isEqualTo("≤ floor + 150 µs");
  }

  @Test
  void aRatioGoalWithoutFloorIsAnError() {
    Row row = new Row("B1", "p50", Unit.MICROS, 10, 0.0, Goal.ratioAtMost(2.5), null, null);

    assertThat(row.verdict()).isEqualTo(Verdict.ERROR);
  }

  @Test
  void onlyCrashesMarkTheRunAsFailed() {
    Report report = new Report();
    report.add(Row.vsFloor("B1", "p50", Unit.MICROS, 900, 100, Goal.ratioAtMost(2.5)));
    assertThat(report.crashed()).isFalse();

    report.add(Row.failed("B5", "queue", "IllegalStateException: boom"));
    assertThat(report.crashed()).isTrue();
  }

  @Test
  void markdownHasOneTableLinePerRowWithFigureFloorRatioGoalAndResult() {
    Report report = new Report();
    report.meta("machine", "2 cores");
    report.add(
        Row.vsFloor(
            "B2", "calls/s, 64 in flight", Unit.PER_SECOND, 2000, 10000, Goal.ratioAtLeast(0.4)));
    report.add(Row.failed("B3", "Node", "IllegalStateException: no node"));

    String md = report.markdown("title");

    assertThat(md)
        .contains("- **machine:** 2 cores")
        .contains(
            "| B2 | calls/s, 64 in flight | 2,000 /s | 10,000 /s | 0.20x | ≥ 0.40x | **miss** |")
        .contains("| B3 | Node | — | — | — | report | **error** |")
        .contains("B3 Node: **failed**: IllegalStateException: no node");
  }

  @Test
  void jsonCarriesEveryRowWithItsNumbers(@TempDir Path dir) throws Exception {
    Report report = new Report();
    report.meta("mode", "quick");
    report.add(Row.vsFloor("B1", "p50", Unit.MICROS, 300, 100, Goal.ratioAtMost(2.5)));
    report.add(Row.alone("B9", "rss", Unit.MEGABYTES, 150.5, Goal.none()));

    report.write(dir, "report", "title");
    JsonNode json =
        JsonMapper.createDefault()
            .readValue(Files.readString(dir.resolve("report.json")), JsonNode.class);

    assertThat(Files.readString(dir.resolve("report.md"))).startsWith("# title");
    assertThat(json.get("meta").get("mode").getStringValue()).isEqualTo("quick");
    JsonNode first = json.get("rows").get(0);
    assertThat(first.get("ours").getDoubleValue()).isEqualTo(300.0);
    assertThat(first.get("floor").getDoubleValue()).isEqualTo(100.0);
    assertThat(first.get("ratio").getDoubleValue()).isEqualTo(3.0);
    assertThat(first.get("result").getStringValue()).isEqualTo("miss");
    JsonNode second = json.get("rows").get(1);
    assertThat(second.get("floor").isNull()).isTrue();
    assertThat(second.get("result").getStringValue()).isEqualTo("report");
  }
}

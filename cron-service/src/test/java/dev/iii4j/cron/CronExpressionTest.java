package dev.iii4j.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The dialect of spec section 3.1 (crate {@code cron} 0.15), example by example. */
class CronExpressionTest {

  private static Instant utc(String localDateTime) {
    return LocalDateTime.parse(localDateTime).toInstant(ZoneOffset.UTC);
  }

  /** The first {@code n} ticks strictly after {@code from}. */
  private static List<Instant> ticks(String expression, String from, int n) {
    CronExpression cron = CronExpression.parse(expression);
    List<Instant> ticks = new ArrayList<>();
    Instant t = utc(from);
    for (int i = 0; i < n; i++) {
      t = cron.nextAfter(t).orElseThrow();
      ticks.add(t);
    }
    return ticks;
  }

  private static BitSet bits(int... values) {
    BitSet set = new BitSet();
    for (int v : values) {
      set.set(v);
    }
    return set;
  }

  private static BitSet days(String expression) {
    return CronExpression.parse(expression).values(CronExpression.Field.DAY_OF_WEEK);
  }

  private static String error(String expression) {
    try {
      CronExpression.parse(expression);
    } catch (InvalidCronExpressionException e) {
      return e.getMessage();
    }
    throw new AssertionError("'" + expression + "' was accepted");
  }

  @Nested
  class SpecExamples {
    @Test
    void everyFiveMinutesAtSecondZero() {
      assertThat(ticks("0 */5 * * * *", "2026-01-01T02:00:00", 3))
          .containsExactly(
              utc("2026-01-01T02:05:00"), utc("2026-01-01T02:10:00"), utc("2026-01-01T02:15:00"));
    }

    @Test
    void fiveFieldCrontabIsRejectedBecauseSecondsAreMandatory() {
      assertThat(error("*/5 * * * *"))
          .isEqualTo(
              "expected 6 or 7 fields (second minute hour day-of-month month day-of-week [year]),"
                  + " found 5; the seconds field is required");
    }

    @Test
    void sevenFieldsTakeAYear() {
      assertThat(ticks("0 0 12 1 1 * 2030", "2026-06-01T00:00:00", 1))
          .containsExactly(utc("2030-01-01T12:00:00"));
      assertThat(CronExpression.parse("0 0 12 1 1 * 2030").nextAfter(utc("2030-01-01T12:00:00")))
          .isEmpty();
    }

    @Test
    void dayOfWeekOneIsSundayAndOneToFiveIsSundayToThursday() {
      assertThat(days("0 0 0 * * 1")).isEqualTo(bits(1));
      assertThat(days("0 0 0 * * 1-5")).isEqualTo(bits(1, 2, 3, 4, 5));
      // 2026-01-04 is a Sunday; 1-5 fires Sunday to Thursday and never on Friday or Saturday.
      assertThat(ticks("0 0 0 * * 1-5", "2026-01-03T12:00:00", 6))
          .extracting(t -> LocalDateTime.ofInstant(t, ZoneOffset.UTC).getDayOfWeek())
          .containsExactly(
              DayOfWeek.SUNDAY,
              DayOfWeek.MONDAY,
              DayOfWeek.TUESDAY,
              DayOfWeek.WEDNESDAY,
              DayOfWeek.THURSDAY,
              DayOfWeek.SUNDAY);
      assertThat(ticks("0 0 0 * * 7", "2026-01-01T00:00:00", 1))
          .containsExactly(utc("2026-01-03T00:00:00")); // Saturday
    }

    @Test
    void dayOfWeekZeroIsInvalid() {
      assertThat(error("0 0 0 * * 0"))
          .isEqualTo("day-of-week field '0': 0 is out of range 1-7 (1 = Sunday, 7 = Saturday)");
      assertThat(error("0 0 0 * * 0-6")).startsWith("day-of-week field '0-6': 0 is out of range");
      assertThat(error("0 0 0 * * 8")).contains("8 is out of range 1-7");
    }

    @Test
    void dayOfMonthAndDayOfWeekMustBothMatch() {
      // The 13th that is a Friday (6): AND, not Vixie cron's OR.
      assertThat(ticks("0 0 0 13 * 6", "2026-01-01T00:00:00", 2))
          .containsExactly(utc("2026-02-13T00:00:00"), utc("2026-03-13T00:00:00"));
      assertThat(ticks("0 0 0 13 * FRI", "2026-04-01T00:00:00", 1))
          .containsExactly(utc("2026-11-13T00:00:00"));
    }

    @Test
    void questionMarkIsAnyInDayFieldsOnly() {
      assertThat(ticks("0 0 12 ? * MON", "2026-01-01T00:00:00", 1))
          .containsExactly(utc("2026-01-05T12:00:00"));
      assertThat(ticks("0 0 12 1 * ?", "2026-01-01T12:00:00", 1))
          .containsExactly(utc("2026-02-01T12:00:00"));
      BitSet everyDay = new BitSet();
      everyDay.set(1, 32);
      assertThat(CronExpression.parse("* * * ? * ?").values(CronExpression.Field.DAY_OF_MONTH))
          .isEqualTo(everyDay);
      for (String bad : List.of("? * * * * *", "* ? * * * *", "* * ? * * *", "* * * * ? *")) {
        assertThat(error(bad))
            .endsWith("'?' is only allowed in the day-of-month and day-of-week fields");
      }
      assertThat(error("0 0 0 1 1 * ?")).startsWith("year field '?'");
    }

    @Test
    void namesAreCaseInsensitiveWithLongForms() {
      BitSet weekdays = bits(2, 3, 4, 5, 6);
      assertThat(days("0 0 0 * * MON-FRI")).isEqualTo(weekdays);
      assertThat(days("0 0 0 * * mon-fri")).isEqualTo(weekdays);
      assertThat(days("0 0 0 * * Monday-Friday")).isEqualTo(weekdays);
      assertThat(days("0 0 0 * * Tues,THURS")).isEqualTo(bits(3, 5));
      assertThat(days("0 0 0 * * sun,SAT")).isEqualTo(bits(1, 7));
      assertThat(
              CronExpression.parse("0 0 0 1 jan,February,MAR-apr *")
                  .values(CronExpression.Field.MONTH))
          .isEqualTo(bits(1, 2, 3, 4));
      assertThat(CronExpression.parse("0 0 0 1 december *").values(CronExpression.Field.MONTH))
          .isEqualTo(bits(12));
    }

    @Test
    void lastWeekdayAndNthAreNotSupported() {
      assertThat(error("0 0 0 L * *"))
          .isEqualTo("day-of-month field 'L': 'L' (last) is not supported");
      assertThat(error("0 0 0 ? * 6L")).endsWith("'L' (last) is not supported");
      assertThat(error("0 0 0 15W * ?")).endsWith("'W' (nearest weekday) is not supported");
      assertThat(error("0 0 0 LW * ?")).endsWith("'L' (last) is not supported");
      assertThat(error("0 0 0 ? * 6#3")).endsWith("'#' (nth day of the month) is not supported");
    }

    @Test
    void shorthands() {
      assertThat(ticks("@yearly", "2026-03-01T00:00:00", 1))
          .containsExactly(utc("2027-01-01T00:00:00"));
      assertThat(ticks("@monthly", "2026-03-01T00:00:00", 1))
          .containsExactly(utc("2026-04-01T00:00:00"));
      // Sunday 00:00:00; 2026-01-04 is a Sunday.
      assertThat(ticks("@weekly", "2026-01-01T00:00:00", 2))
          .containsExactly(utc("2026-01-04T00:00:00"), utc("2026-01-11T00:00:00"));
      assertThat(ticks("@daily", "2026-01-01T00:00:00", 1))
          .containsExactly(utc("2026-01-02T00:00:00"));
      assertThat(ticks("@hourly", "2026-01-01T00:59:59", 1))
          .containsExactly(utc("2026-01-01T01:00:00"));
      assertThat(ticks("  @daily ", "2026-01-01T00:00:00", 1)).hasSize(1);
      assertThat(error("@annually"))
          .isEqualTo(
              "unknown shorthand '@annually' (the shorthands are @yearly, @monthly, @weekly, @daily"
                  + " and @hourly)");
      assertThat(error("@Daily")).startsWith("unknown shorthand '@Daily'");
      assertThat(error("@dailyBla")).startsWith("unknown shorthand");
    }

    @Test
    void yearFieldAccepts1970To2100() {
      assertThat(
              CronExpression.parse("0 0 0 1 1 * 1970-2100")
                  .values(CronExpression.Field.YEAR)
                  .cardinality())
          .isEqualTo(131);
      assertThat(error("0 0 0 1 1 * 1969"))
          .isEqualTo("year field '1969': 1969 is out of range 1970-2100");
      assertThat(error("0 0 0 1 1 * 2101"))
          .isEqualTo("year field '2101': 2101 is out of range 1970-2100");
      assertThat(ticks("0 0 0 1 1 * 2028,2030", "2026-01-01T00:00:00", 2))
          .containsExactly(utc("2028-01-01T00:00:00"), utc("2030-01-01T00:00:00"));
      assertThat(ticks("0 0 0 1 1 ? 2020-2040/10", "2026-01-01T00:00:00", 2))
          .containsExactly(utc("2030-01-01T00:00:00"), utc("2040-01-01T00:00:00"));
      assertThat(CronExpression.parse("0 0 0 1 1 * 2000").nextAfter(utc("2026-01-01T00:00:00")))
          .isEmpty();
    }

    @Test
    void allTimesAreUtc() {
      assertThat(ticks("0 0 2 * * *", "2026-01-01T00:00:00", 1))
          .containsExactly(utc("2026-01-01T02:00:00"));
    }
  }

  @Nested
  class Steps {
    @Test
    void starStepStartsAtTheFieldMinimum() {
      assertThat(CronExpression.parse("*/15 * * * * *").values(CronExpression.Field.SECOND))
          .isEqualTo(bits(0, 15, 30, 45));
      assertThat(CronExpression.parse("0 0 0 */10 * *").values(CronExpression.Field.DAY_OF_MONTH))
          .isEqualTo(bits(1, 11, 21, 31));
      assertThat(days("0 0 0 ? * */2")).isEqualTo(bits(1, 3, 5, 7));
      assertThat(days("0 0 0 * * ?/3")).isEqualTo(bits(1, 4, 7));
    }

    @Test
    void pointStepRunsToTheFieldMaximum() {
      assertThat(CronExpression.parse("0 5/20 * * * *").values(CronExpression.Field.MINUTE))
          .isEqualTo(bits(5, 25, 45));
      assertThat(CronExpression.parse("0 0 22/1 * * *").values(CronExpression.Field.HOUR))
          .isEqualTo(bits(22, 23));
    }

    @Test
    void rangeStepStaysInsideTheRange() {
      assertThat(CronExpression.parse("10-20/3 * * * * *").values(CronExpression.Field.SECOND))
          .isEqualTo(bits(10, 13, 16, 19));
      assertThat(days("0 0 0 * * MON-FRI/2")).isEqualTo(bits(2, 4, 6));
      assertThat(
              CronExpression.parse("0 0 0 1 February-November/3 *")
                  .values(CronExpression.Field.MONTH))
          .isEqualTo(bits(2, 5, 8, 11));
      assertThat(CronExpression.parse("1-5/59 * * * * *").values(CronExpression.Field.SECOND))
          .isEqualTo(bits(1));
    }

    @Test
    void listsMixEveryForm() {
      assertThat(CronExpression.parse("0-5,58,10/20 * * * * *").values(CronExpression.Field.SECOND))
          .isEqualTo(bits(0, 1, 2, 3, 4, 5, 10, 30, 50, 58));
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "*/0 * * * * *|second field '*/0': step cannot be zero",
          "*/60 * * * * *|second field '*/60': step 60 is out of range 1-59",
          "1-5/61 * * * * *|second field '1-5/61': step 61 is out of range 1-59",
          "* */61 * * * *|minute field '*/61': step 61 is out of range 1-59",
          "* * */24 * * *|hour field '*/24': step 24 is out of range 1-23",
          "* * * */32 * *|day-of-month field '*/32': step 32 is out of range 1-31",
          "* * * * */13 *|month field '*/13': step 13 is out of range 1-12",
          "* * * ? * */8|day-of-week field '*/8': step 8 is out of range 1-7",
          "0 0 0 1 1 ? 2020-2040/2200|year field '2020-2040/2200': step 2200 is out of range 1-2100",
          "0 0 0 ? * TUE/2|day-of-week field 'TUE/2': a step needs '*', a number or a range before '/', not the name 'TUE'",
          "10-12/* * * * * *|second field '10-12/*': step '*' is not a number",
          "10-12/10-12 * * * * ?|second field '10-12/10-12': step '10-12' is not a number",
          "1/2/3 * * * * *|second field '1/2/3': '1/2/3' has more than one '/'",
          "/5 * * * * *|second field '/5': '/5' has no value before '/'",
          "?/2 * * * * *|second field '?/2': '?' is only allowed in the day-of-month and day-of-week fields",
        })
    void invalidStepsSayWhatIsWrong(String expression, String message) {
      assertThat(error(expression)).isEqualTo(message);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "1-5/59 * * * * *",
          "*/10 2 3 4 5 6",
          "* */30 * * * *",
          "* * */23 * * *",
          "* * * */30 * *",
          "* * * * */10 *",
          "1,2,3/5 * * * * *",
          "0 0 0 1 1 ? 2020-2040/10",
        })
    void validStepsOfTheCrateTestSuite(String expression) {
      assertThat(CronExpression.parse(expression).source()).isEqualTo(expression);
    }
  }

  @Nested
  class InvalidInput {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "* * * *|expected 6 or 7 fields (second minute hour day-of-month month day-of-week [year]), found 4",
          "* * * * * * * *|expected 6 or 7 fields (second minute hour day-of-month month day-of-week [year]), found 8",
          "60 * * * * *|second field '60': 60 is out of range 0-59",
          "0-65 * * * * *|second field '0-65': 65 is out of range 0-59",
          "103,12 * * * * *|second field '103,12': 103 is out of range 0-59",
          "0-5,102 * * * * *|second field '0-5,102': 102 is out of range 0-59",
          "* 60 * * * *|minute field '60': 60 is out of range 0-59",
          "* * 24 * * *|hour field '24': 24 is out of range 0-23",
          "* * * 0 * *|day-of-month field '0': 0 is out of range 1-31",
          "* * * 32 * *|day-of-month field '32': 32 is out of range 1-31",
          "* * * * 0 *|month field '0': 0 is out of range 1-12",
          "* * * * 13 *|month field '13': 13 is out of range 1-12",
          "5-2 * * * * *|second field '5-2': range '5-2' runs backwards (ranges do not wrap around)",
          "* * * * * FRI-MON|day-of-week field 'FRI-MON': range 'FRI-MON' runs backwards (ranges do not wrap around)",
          "* * * * * MON,TURTLE|day-of-week field 'MON,TURTLE': 'TURTLE' is not a day-of-week name (SUN-SAT, sunday-saturday)",
          "* * * * * BEAR-OWL|day-of-week field 'BEAR-OWL': 'BEAR' is not a day-of-week name (SUN-SAT, sunday-saturday)",
          "* * * * Jany *|month field 'Jany': 'Jany' is not a month name (JAN-DEC, january-december)",
          "* * * * * 3-THURS|day-of-week field '3-THURS': range '3-THURS' must be two numbers or two names",
          "MON * * * * *|second field 'MON': names are not allowed in the second field ('MON')",
          "* * * * * * NOW|year field 'NOW': names are not allowed in the year field ('NOW')",
          ",1,2 * * * * *|second field ',1,2': empty list item",
          "1,,2 * * * * *|second field '1,,2': empty list item",
          "-4 * * * * *|second field '-4': '-4' is not a range (a-b)",
          "1-2-3 * * * * *|second field '1-2-3': '1-2-3' is not a range (a-b)",
          "* * * * * *foo *|day-of-week field '*foo': '*foo' is not a value, name or range",
          "* * * * * * * foo|expected 6 or 7 fields (second minute hour day-of-month month day-of-week [year]), found 8",
          "99999999999 * * * * *|second field '99999999999': 99999999999 is out of range 0-59",
          "%5 * * * * *|second field '%5': '%5' is not a value, name or range",
        })
    void rejectedWithAMessageThatSaysWhatIsWrong(String expression, String message) {
      assertThat(error(expression)).isEqualTo(message);
    }

    @Test
    void emptyExpression() {
      assertThat(error("")).isEqualTo("the expression is empty");
      assertThat(error("   ")).isEqualTo("the expression is empty");
    }

    @Test
    void anyWhitespaceSeparatesFields() {
      assertThat(ticks(" 0\t*/5  *\n* * * ", "2026-01-01T02:00:00", 1))
          .containsExactly(utc("2026-01-01T02:05:00"));
    }

    @Test
    void exceptionTypeIsIllegalArgument() {
      assertThatThrownBy(() -> CronExpression.parse("nonsense"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class NextTick {
    @Test
    void everySecondTicksStrictlyAfterTheCurrentSecond() {
      CronExpression every = CronExpression.parse("* * * * * *");
      assertThat(every.nextAfter(Instant.parse("2026-01-01T00:00:00.999Z")))
          .contains(utc("2026-01-01T00:00:01"));
      assertThat(every.nextAfter(Instant.parse("2026-01-01T00:00:00Z")))
          .contains(utc("2026-01-01T00:00:01"));
    }

    @Test
    void rollsOverMinuteHourDayMonthAndYear() {
      assertThat(ticks("30 59 23 31 12 *", "2026-12-31T23:59:30", 1))
          .containsExactly(utc("2027-12-31T23:59:30"));
      assertThat(ticks("0 0 0 29 2 *", "2026-01-01T00:00:00", 2))
          .containsExactly(utc("2028-02-29T00:00:00"), utc("2032-02-29T00:00:00"));
    }

    @Test
    void impossibleDatesHaveNoTick() {
      assertThat(CronExpression.parse("0 0 0 31 2 *").nextAfter(utc("2026-01-01T00:00:00")))
          .isEmpty();
      assertThat(CronExpression.parse("0 0 0 30 2 * 2030").nextAfter(utc("2026-01-01T00:00:00")))
          .isEmpty();
    }

    @Test
    void dayNumberingMatchesJavaDays() {
      assertThat(CronExpression.cronDayOfWeek(DayOfWeek.SUNDAY)).isEqualTo(1);
      assertThat(CronExpression.cronDayOfWeek(DayOfWeek.MONDAY)).isEqualTo(2);
      assertThat(CronExpression.cronDayOfWeek(DayOfWeek.SATURDAY)).isEqualTo(7);
    }

    @Test
    void aTimeZoneReadsTheFieldsInLocalTime() {
      ZoneId berlin = ZoneId.of("Europe/Berlin");
      CronExpression nine = CronExpression.parse("0 0 9 * * *");
      assertThat(nine.nextAfter(utc("2026-01-15T00:00:00"), berlin))
          .contains(utc("2026-01-15T08:00:00"));
      assertThat(nine.nextAfter(utc("2026-07-15T00:00:00"), berlin))
          .contains(utc("2026-07-15T07:00:00"));
    }

    @Test
    void aDaylightSavingGapHasNoTickAndAnOverlapTicksOnce() {
      ZoneId berlin = ZoneId.of("Europe/Berlin");
      // 2026-03-29 02:30 does not exist in Berlin: the next 02:30 is the day after.
      assertThat(CronExpression.parse("0 30 2 * * *").nextAfter(utc("2026-03-28T12:00:00"), berlin))
          .contains(utc("2026-03-30T00:30:00"));
      // 2026-10-25 02:30 happens twice: once, at the earlier instant (+02:00).
      CronExpression twoThirty = CronExpression.parse("0 30 2 * * *");
      Instant first = twoThirty.nextAfter(utc("2026-10-24T12:00:00"), berlin).orElseThrow();
      assertThat(first).isEqualTo(utc("2026-10-25T00:30:00"));
      assertThat(twoThirty.nextAfter(first, berlin)).contains(utc("2026-10-26T01:30:00"));
    }
  }
}

package dev.iii4j.cron;

import io.micronaut.core.annotation.Nullable;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A cron expression in the dialect of the reference engine (the Rust crate {@code cron} 0.15, spec
 * {@code workers.md} section 3.1), and the computation of its next tick.
 *
 * <p>Dialect:
 *
 * <ul>
 *   <li>6 or 7 fields separated by whitespace: {@code second minute hour day-of-month month
 *       day-of-week [year]}. Seconds are mandatory, so a 5-field crontab line is rejected.
 *   <li>Ranges: seconds and minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12, day-of-week
 *       1-7 with <b>1 = Sunday</b> and 7 = Saturday (0 is invalid), year 1970-2100.
 *   <li>Each field is a comma-separated list of {@code *}, {@code n}, {@code a-b}, {@code *}/n,
 *       {@code a/n} (a to the field's maximum), {@code a-b/n}. A step is 1 to the field's maximum.
 *       Ranges never wrap around ({@code 5-2} is invalid).
 *   <li>{@code ?} means "any" and is allowed in day-of-month and day-of-week only (also as {@code
 *       ?/n}).
 *   <li>Month names {@code JAN}-{@code DEC} and day names {@code SUN}-{@code SAT}, case-insensitive,
 *       long forms ({@code january}, {@code sunday}) and {@code TUES} / {@code THURS} too, as single
 *       values and ranges ({@code MON-FRI}, {@code MON-FRI/2}); a single name cannot take a step.
 *   <li>{@code L}, {@code W} and {@code #} are not supported.
 *   <li>Shorthands (the whole expression, case-sensitive): {@code @yearly}, {@code @monthly}, {@code
 *       @weekly} (Sunday 00:00:00), {@code @daily}, {@code @hourly}.
 *   <li>When both day-of-month and day-of-week are restricted, a day must match <b>both</b> (AND,
 *       unlike Vixie cron's OR).
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CronExpression {

  /** The shorthands and the expressions they stand for. */
  private static final Map<String, String> SHORTHANDS =
      Map.of(
          "@yearly", "0 0 0 1 1 *",
          "@monthly", "0 0 0 1 * *",
          "@weekly", "0 0 0 * * 1",
          "@daily", "0 0 0 * * *",
          "@hourly", "0 0 * * * *");

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern LETTERS = Pattern.compile("[A-Za-z]+");
  private static final Pattern LAST = Pattern.compile("(?i)[0-9]*L(-[0-9]+)?|L[0-9]+|LW");
  private static final Pattern WEEKDAY = Pattern.compile("(?i)[0-9]+W");

  private static final Map<String, Integer> MONTH_NAMES =
      Map.ofEntries(
          Map.entry("jan", 1),
          Map.entry("january", 1),
          Map.entry("feb", 2),
          Map.entry("february", 2),
          Map.entry("mar", 3),
          Map.entry("march", 3),
          Map.entry("apr", 4),
          Map.entry("april", 4),
          Map.entry("may", 5),
          Map.entry("jun", 6),
          Map.entry("june", 6),
          Map.entry("jul", 7),
          Map.entry("july", 7),
          Map.entry("aug", 8),
          Map.entry("august", 8),
          Map.entry("sep", 9),
          Map.entry("september", 9),
          Map.entry("oct", 10),
          Map.entry("october", 10),
          Map.entry("nov", 11),
          Map.entry("november", 11),
          Map.entry("dec", 12),
          Map.entry("december", 12));

  private static final Map<String, Integer> DAY_NAMES =
      Map.ofEntries(
          Map.entry("sun", 1),
          Map.entry("sunday", 1),
          Map.entry("mon", 2),
          Map.entry("monday", 2),
          Map.entry("tue", 3),
          Map.entry("tues", 3),
          Map.entry("tuesday", 3),
          Map.entry("wed", 4),
          Map.entry("wednesday", 4),
          Map.entry("thu", 5),
          Map.entry("thurs", 5),
          Map.entry("thursday", 5),
          Map.entry("fri", 6),
          Map.entry("friday", 6),
          Map.entry("sat", 7),
          Map.entry("saturday", 7));

  /** The fields, in expression order. */
  enum Field {
    SECOND("second", 0, 59, false),
    MINUTE("minute", 0, 59, false),
    HOUR("hour", 0, 23, false),
    DAY_OF_MONTH("day-of-month", 1, 31, true),
    MONTH("month", 1, 12, false),
    DAY_OF_WEEK("day-of-week", 1, 7, true),
    YEAR("year", 1970, 2100, false);

    final String label;
    final int min;
    final int max;
    final boolean any;

    Field(String label, int min, int max, boolean any) {
      this.label = label;
      this.min = min;
      this.max = max;
      this.any = any;
    }

    /** The names the field accepts (lower case), or null when it takes numbers only. */
    @Nullable
    Map<String, Integer> names() {
      return switch (this) {
        case MONTH -> MONTH_NAMES;
        case DAY_OF_WEEK -> DAY_NAMES;
        default -> null;
      };
    }

    String range() {
      return this == DAY_OF_WEEK
          ? min + "-" + max + " (1 = Sunday, 7 = Saturday)"
          : min + "-" + max;
    }
  }

  private final String source;
  private final EnumMap<Field, BitSet> fields;

  private CronExpression(String source, EnumMap<Field, BitSet> fields) {
    this.source = source;
    this.fields = fields;
  }

  /**
   * Parses an expression.
   *
   * @throws InvalidCronExpressionException with a message that names the field and what is wrong
   */
  public static CronExpression parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new InvalidCronExpressionException("the expression is empty");
    }
    String trimmed = expression.strip();
    String text = trimmed;
    if (trimmed.startsWith("@")) {
      text = SHORTHANDS.get(trimmed);
      if (text == null) {
        throw new InvalidCronExpressionException(
            "unknown shorthand '"
                + trimmed
                + "' (the shorthands are @yearly, @monthly, @weekly, @daily and @hourly)");
      }
    }
    String[] parts = WHITESPACE.split(text, -1);
    if (parts.length != 6 && parts.length != 7) {
      throw new InvalidCronExpressionException(
          "expected 6 or 7 fields (second minute hour day-of-month month day-of-week [year]), found "
              + parts.length
              + (parts.length == 5 ? "; the seconds field is required" : ""));
    }
    Field[] order = Field.values();
    EnumMap<Field, BitSet> sets = new EnumMap<>(Field.class);
    for (int i = 0; i < order.length; i++) {
      sets.put(order[i], i < parts.length ? parseField(order[i], parts[i]) : all(order[i]));
    }
    return new CronExpression(expression, sets);
  }

  /** The expression as it was given. */
  public String source() {
    return source;
  }

  /**
   * The first tick strictly after the second that contains {@code after}, in UTC.
   *
   * @return empty when the expression has no later tick (its years are over)
   */
  public Optional<Instant> nextAfter(Instant after) {
    return nextAfter(after, ZoneOffset.UTC);
  }

  /**
   * The first tick strictly after the second that contains {@code after}, with the fields read as
   * local time of {@code zone}. A local time that does not exist (a daylight-saving gap) has no
   * tick; a local time that occurs twice (an overlap) ticks once, at its earlier instant.
   *
   * @return empty when the expression has no later tick (its years are over)
   */
  public Optional<Instant> nextAfter(Instant after, ZoneId zone) {
    LocalDateTime local =
        LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    while (true) {
      LocalDateTime candidate = nextLocal(local);
      if (candidate == null) {
        return Optional.empty();
      }
      List<ZoneOffset> offsets = zone.getRules().getValidOffsets(candidate);
      if (!offsets.isEmpty()) {
        // For an overlap the first offset is the one before the transition: the earlier instant.
        Instant instant = candidate.toInstant(offsets.get(0));
        if (instant.getEpochSecond() > after.getEpochSecond()) {
          return Optional.of(instant);
        }
      }
      local = candidate.plusSeconds(1);
    }
  }

  /** Whether {@code time} (to the second, local time) is a tick. */
  boolean matches(LocalDateTime time) {
    return set(Field.YEAR).get(time.getYear())
        && set(Field.MONTH).get(time.getMonthValue())
        && set(Field.DAY_OF_MONTH).get(time.getDayOfMonth())
        && set(Field.DAY_OF_WEEK).get(cronDayOfWeek(time.getDayOfWeek()))
        && set(Field.HOUR).get(time.getHour())
        && set(Field.MINUTE).get(time.getMinute())
        && set(Field.SECOND).get(time.getSecond());
  }

  /** The values a field allows (a copy). */
  BitSet values(Field field) {
    return (BitSet) set(field).clone();
  }

  private BitSet set(Field field) {
    return fields.get(field);
  }

  private @Nullable LocalDateTime nextLocal(LocalDateTime from) {
    LocalDateTime t = from;
    while (true) {
      int year = t.getYear();
      if (year > Field.YEAR.max) {
        return null;
      }
      if (!set(Field.YEAR).get(year)) {
        int next = set(Field.YEAR).nextSetBit(year + 1);
        if (next < 0) {
          return null;
        }
        t = LocalDateTime.of(next, 1, 1, 0, 0);
        continue;
      }
      if (!set(Field.MONTH).get(t.getMonthValue())) {
        int next = set(Field.MONTH).nextSetBit(t.getMonthValue() + 1);
        t =
            next < 0
                ? LocalDateTime.of(year + 1, 1, 1, 0, 0)
                : LocalDateTime.of(year, next, 1, 0, 0);
        continue;
      }
      if (!set(Field.DAY_OF_MONTH).get(t.getDayOfMonth())
          || !set(Field.DAY_OF_WEEK).get(cronDayOfWeek(t.getDayOfWeek()))) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
        continue;
      }
      if (!set(Field.HOUR).get(t.getHour())) {
        int next = set(Field.HOUR).nextSetBit(t.getHour() + 1);
        t =
            next < 0
                ? t.toLocalDate().plusDays(1).atStartOfDay()
                : t.truncatedTo(ChronoUnit.DAYS).withHour(next);
        continue;
      }
      if (!set(Field.MINUTE).get(t.getMinute())) {
        int next = set(Field.MINUTE).nextSetBit(t.getMinute() + 1);
        t =
            next < 0
                ? t.truncatedTo(ChronoUnit.HOURS).plusHours(1)
                : t.truncatedTo(ChronoUnit.HOURS).withMinute(next);
        continue;
      }
      if (!set(Field.SECOND).get(t.getSecond())) {
        int next = set(Field.SECOND).nextSetBit(t.getSecond() + 1);
        t =
            next < 0
                ? t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1)
                : t.truncatedTo(ChronoUnit.MINUTES).withSecond(next);
        continue;
      }
      return t;
    }
  }

  /** The dialect's day-of-week number: 1 = Sunday ... 7 = Saturday. */
  static int cronDayOfWeek(DayOfWeek day) {
    return day.getValue() % 7 + 1;
  }

  private static BitSet all(Field field) {
    BitSet set = new BitSet(field.max + 1);
    set.set(field.min, field.max + 1);
    return set;
  }

  private static BitSet parseField(Field field, String text) {
    BitSet set = new BitSet(field.max + 1);
    for (String item : text.split(",", -1)) {
      try {
        parseItem(field, item, set);
      } catch (InvalidCronExpressionException e) {
        throw new InvalidCronExpressionException(
            field.label + " field '" + text + "': " + e.getMessage());
      }
    }
    return set;
  }

  private static void parseItem(Field field, String item, BitSet set) {
    if (item.isEmpty()) {
      throw new InvalidCronExpressionException("empty list item");
    }
    rejectUnsupported(item);
    String[] parts = item.split("/", -1);
    if (parts.length > 2) {
      throw new InvalidCronExpressionException("'" + item + "' has more than one '/'");
    }
    String base = parts[0];
    Integer step = parts.length == 2 ? step(field, parts[1]) : null;
    if (base.isEmpty()) {
      throw new InvalidCronExpressionException("'" + item + "' has no value before '/'");
    }
    int from;
    int to;
    if (base.equals("*") || base.equals("?")) {
      if (base.equals("?") && !field.any) {
        throw new InvalidCronExpressionException(
            "'?' is only allowed in the day-of-month and day-of-week fields");
      }
      from = field.min;
      to = field.max;
    } else if (base.indexOf('-') >= 0) {
      int[] range = range(field, base);
      from = range[0];
      to = range[1];
    } else if (DIGITS.matcher(base).matches()) {
      from = number(field, base);
      to = step == null ? from : field.max;
    } else if (LETTERS.matcher(base).matches()) {
      if (step != null) {
        throw new InvalidCronExpressionException(
            "a step needs '*', a number or a range before '/', not the name '" + base + "'");
      }
      from = name(field, base);
      to = from;
    } else {
      throw new InvalidCronExpressionException("'" + base + "' is not a value, name or range");
    }
    int increment = step == null ? 1 : step;
    for (int v = from; v <= to; v += increment) {
      set.set(v);
    }
  }

  private static void rejectUnsupported(String item) {
    if (item.indexOf('#') >= 0) {
      throw new InvalidCronExpressionException("'#' (nth day of the month) is not supported");
    }
    String base = item.split("/", -1)[0];
    if (LAST.matcher(base).matches()) {
      throw new InvalidCronExpressionException("'L' (last) is not supported");
    }
    if (WEEKDAY.matcher(base).matches()) {
      throw new InvalidCronExpressionException("'W' (nearest weekday) is not supported");
    }
  }

  private static int step(Field field, String text) {
    if (!DIGITS.matcher(text).matches()) {
      throw new InvalidCronExpressionException("step '" + text + "' is not a number");
    }
    int step = parseInt(text);
    if (step == 0) {
      throw new InvalidCronExpressionException("step cannot be zero");
    }
    if (step > field.max) {
      throw new InvalidCronExpressionException("step " + step + " is out of range 1-" + field.max);
    }
    return step;
  }

  private static int[] range(Field field, String text) {
    String[] ends = text.split("-", -1);
    if (ends.length != 2 || ends[0].isEmpty() || ends[1].isEmpty()) {
      throw new InvalidCronExpressionException("'" + text + "' is not a range (a-b)");
    }
    boolean numbers = DIGITS.matcher(ends[0]).matches() && DIGITS.matcher(ends[1]).matches();
    boolean names = LETTERS.matcher(ends[0]).matches() && LETTERS.matcher(ends[1]).matches();
    int start;
    int end;
    if (numbers) {
      start = number(field, ends[0]);
      end = number(field, ends[1]);
    } else if (names) {
      start = name(field, ends[0]);
      end = name(field, ends[1]);
    } else {
      throw new InvalidCronExpressionException(
          "range '" + text + "' must be two numbers or two names");
    }
    if (start > end) {
      throw new InvalidCronExpressionException(
          "range '" + text + "' runs backwards (ranges do not wrap around)");
    }
    return new int[] {start, end};
  }

  private static int number(Field field, String text) {
    int value = parseInt(text);
    if (value < field.min || value > field.max) {
      throw new InvalidCronExpressionException(
          (value == Integer.MAX_VALUE ? text : String.valueOf(value))
              + " is out of range "
              + field.range());
    }
    return value;
  }

  private static int parseInt(String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  private static int name(Field field, String text) {
    Map<String, Integer> names = field.names();
    if (names == null) {
      throw new InvalidCronExpressionException(
          "names are not allowed in the " + field.label + " field ('" + text + "')");
    }
    Integer value = names.get(text.toLowerCase(Locale.ROOT));
    if (value == null) {
      throw new InvalidCronExpressionException(
          field == Field.MONTH
              ? "'" + text + "' is not a month name (JAN-DEC, january-december)"
              : "'" + text + "' is not a day-of-week name (SUN-SAT, sunday-saturday)");
    }
    return value;
  }

  @Override
  public String toString() {
    return source;
  }
}

package dev.iii4j.cron;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The config of a {@code cron} trigger: {@code {expression, condition_function_id?, timezone?}}.
 * Unknown keys are ignored. {@code timezone} (an IANA zone id such as {@code Europe/Berlin}, or an
 * offset such as {@code +02:00}) is an iii4j addition; without it the fields are read in UTC, as in
 * the reference. Payload times are UTC either way.
 */
public final class CronTriggerConfig {
  /** The config key of the expression. */
  public static final String EXPRESSION = "expression";

  /** The config key of the optional time zone (an iii4j addition). */
  public static final String TIMEZONE = "timezone";

  private CronTriggerConfig() {}

  /**
   * The job of a trigger, or the registration error with the reference's messages.
   *
   * @throws InvalidTriggerConfigException {@code Cron expression is required} when the expression
   *     is missing, empty or not a string; {@code Invalid cron expression '<expr>': <detail>}; or
   *     {@code Invalid time zone '<zone>': <detail>}
   */
  public static CronJob job(String triggerId, @Nullable JsonNode config) {
    JsonNode expression = field(config, EXPRESSION);
    if (expression == null || !expression.isString() || expression.getStringValue().isEmpty()) {
      throw new InvalidTriggerConfigException("Cron expression is required");
    }
    String text = expression.getStringValue();
    CronExpression parsed;
    try {
      parsed = CronExpression.parse(text);
    } catch (InvalidCronExpressionException e) {
      throw new InvalidTriggerConfigException(
          "Invalid cron expression '" + text + "': " + e.getMessage());
    }
    return new CronJob(triggerId, parsed, zone(field(config, TIMEZONE)));
  }

  private static ZoneId zone(@Nullable JsonNode value) {
    if (value == null || value.isNull()) {
      return ZoneOffset.UTC;
    }
    if (!value.isString()) {
      throw new InvalidTriggerConfigException(
          "Invalid time zone: expected a string such as \"Europe/Berlin\"");
    }
    String text = value.getStringValue();
    try {
      return ZoneId.of(text);
    } catch (DateTimeException e) {
      throw new InvalidTriggerConfigException(
          "Invalid time zone '" + text + "': " + e.getMessage());
    }
  }

  private static @Nullable JsonNode field(@Nullable JsonNode config, String name) {
    return config == null || !config.isObject() ? null : config.get(name);
  }
}

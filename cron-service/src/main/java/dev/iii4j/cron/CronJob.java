package dev.iii4j.cron;

import java.time.ZoneId;
import java.util.Objects;

/**
 * One {@code cron} trigger as the scheduler sees it.
 *
 * @param id the trigger id (the payload's {@code job_id})
 * @param expression when it ticks
 * @param zone the time zone the expression's fields are read in ({@code UTC} unless the trigger's
 *     config names another, an iii4j addition)
 */
public record CronJob(String id, CronExpression expression, ZoneId zone) {
  /** Checks the components. */
  public CronJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(zone, "zone");
  }
}

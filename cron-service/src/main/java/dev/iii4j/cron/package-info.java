/**
 * The cron service's domain: the expression dialect ({@link dev.iii4j.cron.CronExpression}), the
 * trigger config and payload, the per-job scheduling loops ({@link dev.iii4j.cron.CronScheduler}),
 * and its two ports, {@link dev.iii4j.cron.TickClaims} (one claim per job and tick, across
 * replicas) and {@link dev.iii4j.cron.TickFirer} (fire through the gateway). It must not depend on
 * JDBC, Micronaut Data, Flyway or the worker SDK: storage is adapted in {@code cron.jdbc}, the
 * gateway connection in {@code cron.functions}.
 */
package dev.iii4j.cron;

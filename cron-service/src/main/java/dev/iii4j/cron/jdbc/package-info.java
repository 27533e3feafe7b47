/**
 * The PostgreSQL adapter of {@link dev.iii4j.cron.TickClaims}: {@link
 * dev.iii4j.cron.jdbc.JdbcTickClaims} over a package-private Micronaut Data JDBC repository, schema
 * {@code iii_cron} by Flyway ({@code db/cron}). JDBC and Micronaut Data exceptions do not leave
 * this package: they become {@link dev.iii4j.cron.TickClaimException}. Nothing here knows the
 * worker SDK or the gateway.
 */
package dev.iii4j.cron.jdbc;

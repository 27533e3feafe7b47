/**
 * The PostgreSQL adapter of {@link dev.iii4j.state.StateStore}: {@link
 * dev.iii4j.state.jdbc.JdbcStateStore} over package-private Micronaut Data JDBC repositories and
 * entities, schema by Flyway ({@code db/migration}). JDBC and Micronaut Data exceptions do not
 * leave this package: they become {@link dev.iii4j.state.StateStoreException}. Nothing here knows
 * the worker SDK or the gateway.
 */
package dev.iii4j.state.jdbc;

/**
 * The PostgreSQL adapters: {@link dev.iii4j.stream.jdbc.JdbcStreamStore} (items, the outbox of
 * trigger events, {@code NOTIFY}) and the change feed ({@code LISTEN}), plain JDBC inside Micronaut
 * transactions, schema by Flyway ({@code db/stream}, schema {@code iii_stream}). JDBC exceptions do
 * not leave this package: they become {@link dev.iii4j.stream.StreamStoreException}. Nothing here
 * knows the worker SDK, the gateway or the client WebSocket.
 */
package dev.iii4j.stream.jdbc;

/**
 * The state service's domain: the {@link dev.iii4j.state.StateStore} port, the update-ops language
 * ({@link dev.iii4j.state.UpdateOps}), change events and their dispatcher. It must not depend on
 * JDBC, Micronaut Data, Flyway or the worker SDK: storage is adapted in {@code state.jdbc}, the
 * gateway connection in {@code state.functions}.
 */
package dev.iii4j.state;

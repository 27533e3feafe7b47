/**
 * The state service's domain: the {@link dev.iii4j.state.StateStore} port, change events and their
 * dispatcher (the update-ops language is shared with stream-service in {@code dev.iii4j.ops}). It
 * must not depend on JDBC, Micronaut Data, Flyway or the worker SDK: storage is adapted in {@code
 * state.jdbc}, the gateway connection in {@code state.functions}.
 */
package dev.iii4j.state;

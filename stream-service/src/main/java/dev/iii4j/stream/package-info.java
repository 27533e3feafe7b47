/**
 * The stream service's domain: the {@link dev.iii4j.stream.StreamStore} port, the {@link
 * dev.iii4j.stream.StreamMessage} that clients and {@code stream} triggers receive, the policy
 * behind {@code stream::*} ({@link dev.iii4j.stream.StreamService}), the ports to custom storage
 * functions, join/leave triggers and the auth function, and the trigger event dispatcher. It must
 * not depend on JDBC, Micronaut Data, Netty or the worker SDK: storage and the change feed are
 * adapted in {@code stream.jdbc}, the gateway connection in {@code stream.functions}, the client
 * WebSocket in {@code stream.clients}.
 */
package dev.iii4j.stream;

/**
 * What this service registers on its worker: the {@code http} trigger type, whose bindings become
 * routes of the {@link dev.iii4j.http.RouteTable}, and the readiness checks (gateway connection,
 * public listener). It must not depend on the Netty or channel adapters' internals.
 */
package dev.iii4j.http.functions;

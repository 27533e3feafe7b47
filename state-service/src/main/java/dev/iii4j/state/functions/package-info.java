/**
 * The state service as a gateway worker, through the Java worker SDK: the {@code state::*}
 * functions (request parsing, result shapes, error codes), the {@code state} trigger type and its
 * bindings, event delivery to trigger targets, the SDK worker bean and its readiness. Domain
 * exceptions become wire errors here. Nothing here touches JDBC or Micronaut Data.
 */
package dev.iii4j.state.functions;

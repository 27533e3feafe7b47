/**
 * Applies each connection's frames to the engine in order, and runs the connect, reattach and
 * disconnect flows. Transport-free.
 */
package dev.iii4j.gateway.routing;

/**
 * The WebSocket layer on Netty: listeners, the upgrade, frame decoding, per-connection ordering and
 * backpressure, graceful stop. The only package that knows sockets.
 */
package dev.iii4j.gateway.ws;

/**
 * The client WebSocket (spec section 6): a Netty listener on port 3112, the upgrade with the
 * optional auth function, the join/leave protocol with its initial {@code sync}, the routing of
 * committed messages to subscribed clients, and bounded per-client buffers. It talks to the rest of
 * the service through domain ports only: no JDBC, no worker SDK.
 */
package dev.iii4j.stream.clients;

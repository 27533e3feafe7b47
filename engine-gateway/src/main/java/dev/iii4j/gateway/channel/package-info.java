/**
 * Streaming channels (spec section 5): bounded ordered pipes between a writer and a reader socket,
 * their registry, owner cleanup and the sweep of unclaimed channels. Transport-free; the ws package
 * attaches sockets to them.
 */
package dev.iii4j.gateway.channel;

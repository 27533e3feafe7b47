/**
 * The engine's domain: worker sessions with what they carry (the listener's policy and expose
 * filters, the handshake, the access granted), the outbound port they are reached through, and
 * reserved names. It depends on no other package of the gateway but {@code config}. It must not
 * depend on Netty, Micronaut HTTP or any transport; the ws package adapts sockets to it.
 */
package dev.iii4j.gateway;

/**
 * The engine's domain: worker sessions, the outbound port they are reached through, and reserved
 * names. It must not depend on Netty, Micronaut HTTP or any transport; the ws package adapts
 * sockets to it.
 */
package dev.iii4j.gateway;

/**
 * The {@link dev.iii4j.http.ChannelClient} adapter: creates channels with {@code
 * engine::channels::create} through the worker SDK and connects to {@code /ws/channels/{id}} with
 * the JDK's {@code java.net.http.WebSocket}, exactly as the Node SDK's channel reader and writer
 * do. Nothing outside this package uses {@code java.net.http}; it must not depend on the Netty
 * adapter.
 */
package dev.iii4j.http.channels;

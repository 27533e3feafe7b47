/**
 * The http built-in worker's domain (spec {@code workers.md} section 4): the route table of the
 * {@code http} trigger type, the {@code ApiRequest} payload, the mapping of a handler's result to
 * an HTTP response, and the request pipeline (middleware, condition, invocation, streamed or
 * buffered response). It talks to the gateway through the worker SDK and to the outside through two
 * ports, {@link dev.iii4j.http.ResponseSink} (the HTTP connection) and {@link
 * dev.iii4j.http.ChannelClient} (streaming channels). It must not depend on Netty, on Micronaut's
 * HTTP types or on {@code java.net.http}: those live in the {@code netty} and {@code channels}
 * adapters.
 */
package dev.iii4j.http;

/**
 * The public HTTP API: a Netty HTTP/1.1 server of its own (not Micronaut's router, which serves
 * only the management port), CORS, the body-size limit, and the {@link dev.iii4j.http.ResponseSink}
 * that writes buffered and streamed responses. It hands every request to the {@link
 * dev.iii4j.http.HttpPipeline}; it must not call the gateway itself.
 */
package dev.iii4j.http.netty;

/**
 * HTTP-invoked functions (spec 3.3): the {@code invocation} definition, the SSRF checks, and the
 * caller that turns an invocation into an HTTP request and its response into an outcome. Uses the
 * JDK's HTTP client; no socket server code.
 */
package dev.iii4j.gateway.httpfn;

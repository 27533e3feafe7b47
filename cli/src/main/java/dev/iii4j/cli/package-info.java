/**
 * The {@code iii} command line: calls any function through the gateway ({@code iii trigger}), shows
 * what is registered ({@code iii functions|workers|triggers}) and wraps the built-in state and
 * dead-letter functions. It is an ordinary worker connection made with the Java worker SDK and
 * picocli; it never starts a Micronaut application context, so it starts in well under a second.
 *
 * <p>Depends on the worker SDK, the protocol's error codes, picocli and jackson-core (for JSON
 * text); never on the gateway or a service.
 */
package dev.iii4j.cli;

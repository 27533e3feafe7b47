package dev.iii4j.http;

/**
 * One HTTP header line as it is sent or received.
 *
 * @param name the header name as given
 * @param value the header value
 */
public record Header(String name, String value) {}

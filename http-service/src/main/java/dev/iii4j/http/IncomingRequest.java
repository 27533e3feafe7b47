package dev.iii4j.http;

import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * An HTTP request as the server received it, with its whole body.
 *
 * @param method the method, upper case
 * @param rawPath the path without the query, not percent-decoded
 * @param rawQuery the query string without {@code ?}, or null when there is none
 * @param headers the header lines in arrival order
 * @param body the body bytes, possibly empty
 */
public record IncomingRequest(
    String method, String rawPath, @Nullable String rawQuery, List<Header> headers, byte[] body) {}

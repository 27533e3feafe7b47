package dev.iii4j.http.netty;

import io.micronaut.core.annotation.Nullable;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CORS as the reference configures it: an empty list or {@code *} allows any origin or method,
 * every request header is allowed, and preflights are answered before routing. Immutable.
 */
final class Cors {
  private final boolean enabled;
  private final boolean anyOrigin;
  private final Set<String> origins;
  private final String methods;

  Cors(boolean enabled, List<String> allowedOrigins, List<String> allowedMethods) {
    this.enabled = enabled;
    this.anyOrigin = allowedOrigins.isEmpty() || allowedOrigins.contains("*");
    this.origins = Set.copyOf(allowedOrigins);
    this.methods =
        allowedMethods.isEmpty() || allowedMethods.contains("*")
            ? "*"
            : allowedMethods.stream()
                .map(m -> m.trim().toUpperCase(Locale.ROOT))
                .collect(Collectors.joining(","));
  }

  /** Whether this is a preflight request to answer here. */
  boolean isPreflight(HttpRequest request) {
    return enabled
        && request.method().equals(HttpMethod.OPTIONS)
        && request.headers().contains(HttpHeaderNames.ORIGIN)
        && request.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
  }

  /** Adds the headers of a preflight answer. */
  void preflight(HttpRequest request, HttpHeaders out) {
    if (!origin(request.headers().get(HttpHeaderNames.ORIGIN), out)) {
      return;
    }
    out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods);
    String asked = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
    out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, asked == null ? "*" : asked);
  }

  /**
   * Adds {@code access-control-allow-origin} for an allowed origin.
   *
   * @return whether the origin is allowed
   */
  boolean origin(@Nullable String origin, HttpHeaders out) {
    if (!enabled || origin == null) {
      return false;
    }
    if (anyOrigin) {
      out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
      return true;
    }
    out.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    if (origins.contains(origin)) {
      out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      return true;
    }
    return false;
  }
}

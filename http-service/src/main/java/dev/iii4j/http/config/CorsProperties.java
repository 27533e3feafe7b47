package dev.iii4j.http.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.List;

/**
 * CORS of the public API, bound from {@code engine.http.cors.*}. Without settings it is fully
 * permissive, as in the reference.
 *
 * @param enabled false turns CORS handling off (no headers, preflights are routed like any OPTIONS)
 * @param allowedOrigins origins allowed; empty or {@code *} allows any ({@code
 *     ENGINE_HTTP_CORS_ALLOWED_ORIGINS}, comma-separated)
 * @param allowedMethods methods announced to preflights; empty or {@code *} allows any ({@code
 *     ENGINE_HTTP_CORS_ALLOWED_METHODS})
 */
@ConfigurationProperties(CorsProperties.PREFIX)
public record CorsProperties(
    @Bindable(defaultValue = "true") boolean enabled,
    @Nullable List<String> allowedOrigins,
    @Nullable List<String> allowedMethods) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.http.cors";

  /** Copies the lists; null means empty. */
  public CorsProperties {
    allowedOrigins = clean(allowedOrigins);
    allowedMethods = clean(allowedMethods);
  }

  private static List<String> clean(@Nullable List<String> values) {
    return values == null
        ? List.of()
        : values.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}

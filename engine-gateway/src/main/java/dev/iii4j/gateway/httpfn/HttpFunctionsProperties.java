package dev.iii4j.gateway.httpfn;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.List;
import java.util.Map;

/**
 * Settings of HTTP-invoked functions, bound from {@code engine.gateway.http-functions.*}
 * (environment: {@code ENGINE_GATEWAY_HTTP_FUNCTIONS_URL_ALLOWLIST=api.example.com,*.corp.example}
 * ...). The defaults are the safe ones.
 *
 * @param enabled whether workers may register HTTP-invoked functions
 * @param urlAllowlist host globs a URL's host must match ({@code *} alone allows any host)
 * @param requireHttps whether plain {@code http} URLs are refused
 * @param blockPrivateIps whether hosts resolving to loopback, private, link-local, unspecified,
 *     documentation, multicast or unique-local addresses are refused
 * @param variables values for auth variable names that are not set in the process environment (for
 *     platforms where the environment cannot be set; real environment variables win)
 */
@ConfigurationProperties(HttpFunctionsProperties.PREFIX)
public record HttpFunctionsProperties(
    @Bindable(defaultValue = "true") boolean enabled,
    @Bindable(defaultValue = "*") List<String> urlAllowlist,
    @Bindable(defaultValue = "true") boolean requireHttps,
    @Bindable(defaultValue = "true") boolean blockPrivateIps,
    @Nullable Map<String, String> variables) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.gateway.http-functions";
}

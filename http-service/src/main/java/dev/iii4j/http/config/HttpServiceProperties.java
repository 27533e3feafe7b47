package dev.iii4j.http.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the http service, bound from {@code engine.http.*}.
 *
 * <p>The gateway connection ({@code engine.http.gateway-url}, {@code service-token}, {@code
 * worker-name}, {@code reconnect-max-delay}) is service-support's {@link
 * dev.iii4j.service.GatewayConnection}.
 *
 * @param host the address the public API binds ({@code ENGINE_HTTP_HOST})
 * @param port the public API's port, 0 for an ephemeral one ({@code ENGINE_HTTP_PORT})
 * @param requestTimeout a request's deadline; 504 after it ({@code ENGINE_HTTP_REQUEST_TIMEOUT})
 * @param maxBodyBytes the largest request body; 413 above it ({@code ENGINE_HTTP_MAX_BODY_BYTES})
 * @param middleware function ids run as global {@code preHandler} middleware, in order ({@code
 *     ENGINE_HTTP_MIDDLEWARE}, comma-separated)
 * @param ioThreads Netty I/O threads of the public API; 0 means twice the processors
 * @param concurrencyRequestLimit requests in flight per route and method; more wait for a slot
 *     ({@code ENGINE_HTTP_CONCURRENCY_REQUEST_LIMIT}, default 1024 as in the reference)
 * @param headerReadTimeout how long a connection may take from its first byte of a request to the
 *     end of its headers; 408 and close after it ({@code ENGINE_HTTP_HEADER_READ_TIMEOUT}); 0 turns
 *     it off
 * @param idleTimeout how long a connection with no request in flight stays open without a new one
 *     ({@code ENGINE_HTTP_IDLE_TIMEOUT}); 0 turns it off
 * @param nativeTransport serve the public API with Linux's epoll through Netty's native transport
 *     where it loads, Java NIO elsewhere or when false ({@code ENGINE_HTTP_NATIVE_TRANSPORT})
 */
@ConfigurationProperties(HttpServiceProperties.PREFIX)
public record HttpServiceProperties(
    @Bindable(defaultValue = "0.0.0.0") String host,
    @Bindable(defaultValue = "3111") @Min(0) @Max(65535) int port,
    @Bindable(defaultValue = "30s") Duration requestTimeout,
    @Bindable(defaultValue = "16777216") @Min(0) long maxBodyBytes,
    @Nullable List<String> middleware,
    @Bindable(defaultValue = "0") @Min(0) int ioThreads,
    @Bindable(defaultValue = "1024") int concurrencyRequestLimit,
    @Bindable(defaultValue = "10s") Duration headerReadTimeout,
    @Bindable(defaultValue = "60s") Duration idleTimeout,
    @Bindable(defaultValue = "true") boolean nativeTransport) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.http";

  /** The global middleware, never null, blanks removed. */
  public List<String> middlewareIds() {
    return middleware == null
        ? List.of()
        : middleware.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}

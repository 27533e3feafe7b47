package dev.iii4j.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * Settings of the worker listener, bound from {@code engine.gateway.*} (environment: {@code
 * ENGINE_GATEWAY_PORT}, {@code ENGINE_GATEWAY_HOST}, ..., and {@code III_SERVICE_TOKEN}).
 *
 * @param host the address the worker listener binds
 * @param port the worker listener's port; 0 picks a free one (tests)
 * @param serviceToken the token trusted services present in {@code x-iii-service-token}; blank
 *     means the gateway runs open (every connection may register built-in names)
 * @param maxFrameBytes the largest single WebSocket frame accepted; larger closes with 1009
 * @param maxMessageBytes the largest message assembled from continuation frames
 * @param handshakeTimeout how long a TCP connection may take to finish the upgrade
 * @param functionsPollInterval how often {@code engine::functions-available} looks for changes
 * @param shutdownGrace how long a graceful stop waits for connections to close
 * @param hookTimeout how long auth functions and registration hooks may take
 * @param invocationTimeout an optional server-side deadline for calls routed to workers; unset by
 *     default (callers carry their own timeouts, and streaming handlers may run long). When set,
 *     keep it above every client timeout (the SDKs default to 30 s)
 * @param registerTriggerAckTimeout how long {@code engine::register_trigger} waits for a worker
 *     provider's {@code triggerregistrationresult} before it reports success anyway
 * @param channelUnclaimedTtl how long a streaming channel may wait for one of its sides
 * @param channelSweepInterval how often unclaimed channels are looked for
 * @param ioThreads socket threads serving worker connections; 0 (the default) means one per two
 *     available processors, at least one. Each connection stays on one thread, and a frame routed
 *     to a connection served by another thread costs a task hand-off and that thread a wake-up, so
 *     fewer threads than Netty's default of two per processor shorten the round trip and the CPU
 *     per call (bench/README.md, issue 22)
 * @param nativeTransport serve worker connections with Linux's epoll through Netty's native
 *     transport when it loads (Linux x86_64 and aarch64); Java NIO otherwise, or when false
 * @param allowWeakServiceToken start even when the service token is a known default or shorter than
 *     {@value ServiceTokenPolicy#MIN_LENGTH} characters ({@code III_ALLOW_WEAK_SERVICE_TOKEN}); for
 *     local experiments only
 */
@ConfigurationProperties(GatewayProperties.PREFIX)
public record GatewayProperties(
    @Bindable(defaultValue = "0.0.0.0") String host,
    @Bindable(defaultValue = "49134") @Min(0) @Max(65535) int port,
    @Nullable String serviceToken,
    @Bindable(defaultValue = "16777216") @Min(1024) int maxFrameBytes,
    @Bindable(defaultValue = "67108864") @Min(1024) int maxMessageBytes,
    @Bindable(defaultValue = "10s") Duration handshakeTimeout,
    @Bindable(defaultValue = "5s") Duration functionsPollInterval,
    @Bindable(defaultValue = "5s") Duration shutdownGrace,
    @Bindable(defaultValue = "5s") Duration hookTimeout,
    @Nullable Duration invocationTimeout,
    @Bindable(defaultValue = "10s") Duration registerTriggerAckTimeout,
    @Bindable(defaultValue = "5m") Duration channelUnclaimedTtl,
    @Bindable(defaultValue = "60s") Duration channelSweepInterval,
    @Bindable(defaultValue = "0") @Min(0) int ioThreads,
    @Bindable(defaultValue = "true") boolean nativeTransport,
    @Bindable(defaultValue = "false") boolean allowWeakServiceToken) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.gateway";

  /**
   * Set to {@code false} to keep the gateway from starting in a context that has its classes (for
   * example a service's test that also puts a gateway harness on the classpath).
   */
  public static final String ENABLED = "engine.gateway.enabled";

  /** Whether a service token is configured. */
  public boolean secured() {
    return serviceToken != null && !serviceToken.isBlank();
  }
}

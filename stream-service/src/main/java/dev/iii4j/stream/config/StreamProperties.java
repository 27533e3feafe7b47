package dev.iii4j.stream.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;

/**
 * How the stream service serves its clients ({@code engine.stream.*}). The gateway connection
 * ({@code engine.stream.gateway-url}, {@code service-token}, {@code worker-name}, {@code
 * reconnect-max-delay}) is service-support's {@link dev.iii4j.service.GatewayConnection}.
 *
 * @param host the address the client WebSocket binds ({@code ENGINE_STREAM_HOST})
 * @param port the client WebSocket port ({@code ENGINE_STREAM_PORT}; 0 picks a free one)
 * @param authFunction the function called before each client upgrade; blank means none ({@code
 *     ENGINE_STREAM_AUTH_FUNCTION})
 * @param hookTimeout how long the auth function, each join/leave trigger and each custom storage
 *     function may take
 * @param maxBufferedBytes how many bytes of messages may wait for one slow client before it is
 *     disconnected with 1008 ({@code ENGINE_STREAM_MAX_BUFFERED_BYTES})
 * @param maxFrameBytes the largest client frame accepted (larger ones close the connection with
 *     1009)
 * @param maxQueuedFrames how many client frames (join/leave) may wait for processing before the
 *     connection is closed with 1008
 * @param ioThreads Netty threads of the client listener; 0 means Netty's default (2 x cores)
 * @param shutdownGrace how long a stop waits for clients' leave triggers after closing them
 * @param notifyInlineMaxBytes messages up to this size travel inside the PostgreSQL notification;
 *     larger ones are read from the outbox by each replica (PostgreSQL's limit is 8000 bytes)
 * @param feedReconnectDelay how long the change feed waits before it reconnects to PostgreSQL
 */
@ConfigurationProperties(StreamProperties.PREFIX)
public record StreamProperties(
    @Bindable(defaultValue = "0.0.0.0") @NotBlank String host,
    @Bindable(defaultValue = "3112") @Min(0) @Max(65535) int port,
    @Nullable String authFunction,
    @Bindable(defaultValue = "10s") Duration hookTimeout,
    @Bindable(defaultValue = "4194304") @Min(1024) long maxBufferedBytes,
    @Bindable(defaultValue = "65536") @Min(256) int maxFrameBytes,
    @Bindable(defaultValue = "256") @Min(1) int maxQueuedFrames,
    @Bindable(defaultValue = "0") @Min(0) int ioThreads,
    @Bindable(defaultValue = "5s") Duration shutdownGrace,
    @Bindable(defaultValue = "7900") @Min(0) @Max(7999) int notifyInlineMaxBytes,
    @Bindable(defaultValue = "1s") Duration feedReconnectDelay) {

  /** The configuration prefix. */
  public static final String PREFIX = "engine.stream";

  /** The auth function id, or null when unset or blank. */
  public @Nullable String authFunctionId() {
    return authFunction == null || authFunction.isBlank() ? null : authFunction.trim();
  }
}

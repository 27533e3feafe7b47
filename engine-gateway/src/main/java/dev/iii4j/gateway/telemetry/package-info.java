/**
 * The gateway's telemetry: the engine's span of every routed invocation ({@link
 * dev.iii4j.gateway.telemetry.EngineTracer}) and the forwarding of those spans and of the SDKs'
 * {@code /otel} frames to the observability service ({@link
 * dev.iii4j.gateway.telemetry.TelemetryForwarder}), through a bounded buffer that drops (and
 * counts) rather than slow a call. Must not depend on the WebSocket layer.
 */
package dev.iii4j.gateway.telemetry;

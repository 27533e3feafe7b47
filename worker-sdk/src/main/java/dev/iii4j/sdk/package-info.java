/**
 * The Java worker SDK: {@link dev.iii4j.sdk.EngineWorker} connects to an iii engine, registers
 * functions, trigger types and triggers, calls functions (synchronously, fire-and-forget or through
 * a queue), and reconnects with a replay of everything it registered. Plain Java over the JDK's
 * WebSocket client; it never starts an application context. JSON values are Jackson's {@code
 * JsonNode}; no public signature names a Micronaut type (ArchitectureTest), and frames are read and
 * written by the one codec of {@code engine-protocol}, which the gateway shares (docs/java-sdk.md
 * says why). Only the public types are the API; the package-private ones (the runtime behind {@code
 * EngineWorker}, its connection, ordered send queue and backoff) may change in any release.
 */
package dev.iii4j.sdk;

/**
 * The Java worker SDK: {@link dev.iii4j.sdk.EngineWorker} connects to an iii engine, registers
 * functions, trigger types and triggers, calls functions (synchronously, fire-and-forget or through
 * a queue), and reconnects with a replay of everything it registered. Plain Java over the JDK's
 * WebSocket client; it never starts an application context. Only the public types are the API; the
 * package-private ones (the runtime behind {@code EngineWorker}, its connection, ordered send queue
 * and backoff) may change in any release.
 */
package dev.iii4j.sdk;

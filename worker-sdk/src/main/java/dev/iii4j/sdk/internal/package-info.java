/**
 * Internals of the worker SDK: the connection, its ordered send queue, backoff and the runtime
 * behind {@link dev.iii4j.sdk.EngineWorker}. Not an API; may change in any release.
 */
package dev.iii4j.sdk.internal;

/**
 * Invocations: finding a provider, dispatching to a worker or a built-in, and tracking pending
 * calls until they end. Transport-free.
 */
package dev.iii4j.gateway.invocation;

/**
 * Access rules of worker listeners ({@code AccessControl}): authentication through an auth
 * function, expose filters, registration hooks and prefixes (RBAC), applied to a session's policy
 * and grants (the root package's {@code ListenerPolicy} and {@code SessionAccess}). Transport-free.
 */
package dev.iii4j.gateway.access;

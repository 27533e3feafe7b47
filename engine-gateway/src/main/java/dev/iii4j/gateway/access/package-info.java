/**
 * Access rules of worker listeners: authentication through an auth function, expose filters,
 * registration hooks and prefixes (RBAC). Transport-free.
 */
package dev.iii4j.gateway.access;

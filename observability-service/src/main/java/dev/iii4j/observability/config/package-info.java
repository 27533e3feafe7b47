/**
 * The observability service's settings ({@code engine.observability.*}). Depends on nothing of the
 * service.
 */
package dev.iii4j.observability.config;

/**
 * Configuration of the http service ({@code engine.http.*}) and the factories that wire the domain
 * to its adapters: the worker SDK as a bean, the route table, the channel client and the pipeline.
 * It may depend on every package of the service; nothing but Micronaut depends on it.
 */
package dev.iii4j.http.config;

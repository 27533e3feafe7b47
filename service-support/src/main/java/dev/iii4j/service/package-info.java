/**
 * Micronaut glue shared by the built-in services around the worker SDK: the gateway readiness
 * check. The SDK itself never depends on Micronaut beyond Serde.
 */
package dev.iii4j.service;

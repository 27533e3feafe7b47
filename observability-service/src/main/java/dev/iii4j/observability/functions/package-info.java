/**
 * What the observability service registers through the SDK: the ingest function the gateway feeds,
 * and the query functions {@code engine::traces::*} and {@code engine::logs::*}. Must not depend on
 * the storage adapter.
 */
package dev.iii4j.observability.functions;

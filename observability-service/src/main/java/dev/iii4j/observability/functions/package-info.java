/**
 * What the observability service registers through the SDK: the ingest function the gateway feeds,
 * the query functions {@code engine::traces::*}, {@code engine::logs::*}, {@code
 * engine::metrics::list}, {@code engine::rollups::list}, {@code engine::health::check}, {@code
 * engine::sampling::rules}, and the alert rules' evaluation and actions ({@code
 * engine::alerts::*}). Must not depend on the storage adapter.
 */
package dev.iii4j.observability.functions;

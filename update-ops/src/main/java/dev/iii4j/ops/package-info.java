/**
 * What the built-in services share about JSON values and requests: the {@code update} ops language
 * of state and stream ({@link dev.iii4j.ops.UpdateOps}, spec section 2.3, one implementation for
 * both), JSON text with the reference's number rules ({@link dev.iii4j.ops.JsonText}), and request
 * reading with serde's error wording ({@link dev.iii4j.ops.Requests}). Plain Java over Micronaut's
 * {@code JsonNode} and Jackson's streaming API: no framework, no SDK, no storage.
 */
package dev.iii4j.ops;

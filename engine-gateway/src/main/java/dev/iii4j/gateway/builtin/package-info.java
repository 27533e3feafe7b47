/**
 * Functions and trigger types the engine runs itself: engine::* introspection, workers::register,
 * logging sinks, in-engine pub/sub, availability triggers. Transport-free.
 */
package dev.iii4j.gateway.builtin;

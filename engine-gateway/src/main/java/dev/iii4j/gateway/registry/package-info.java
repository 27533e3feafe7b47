/**
 * Registries of functions (pools of providers), trigger types, trigger bindings and connected
 * workers. Transport-free.
 */
package dev.iii4j.gateway.registry;

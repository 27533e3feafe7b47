/** Configuration records bound from engine.gateway.* and the beans that wire the protocol codec. */
package dev.iii4j.gateway.config;

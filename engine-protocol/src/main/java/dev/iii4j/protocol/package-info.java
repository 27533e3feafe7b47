/**
 * The iii worker protocol (release 0.22.1): every frame as a record under the sealed {@link
 * dev.iii4j.protocol.Message}, the error codes, and the one codec that reads and writes frames,
 * used by the gateway and the worker SDK alike. Depends only on Jackson (core, databind,
 * annotations), JSpecify and SLF4J: no Micronaut, no framework, no transport, so a plain-Java
 * worker can use it (docs/java-sdk.md).
 */
package dev.iii4j.protocol;

/**
 * The iii worker protocol (release 0.22.1): every frame as a record under the sealed {@link
 * dev.iii4j.protocol.Message}, the error codes, and the codec that reads and writes frames. Depends
 * only on the JSON annotations, the Micronaut Serde API and Jackson's streaming core; no framework,
 * no transport.
 */
package dev.iii4j.protocol;

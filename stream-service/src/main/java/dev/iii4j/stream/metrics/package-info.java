/** Micrometer meters of the stream service, exported at {@code /prometheus}. */
package dev.iii4j.stream.metrics;

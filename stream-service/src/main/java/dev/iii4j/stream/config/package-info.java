/**
 * Configuration records of the stream service ({@code engine.stream.*}), bound from {@code
 * application-stream-service.yml} and environment variables. Plain data: no behaviour, no JDBC, no
 * SDK, no Netty.
 */
package dev.iii4j.stream.config;

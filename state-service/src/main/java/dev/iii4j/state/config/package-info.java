/**
 * Configuration records of the state service ({@code engine.state.*}), bound from {@code
 * application.yml} and environment variables. Plain data: no behaviour, no JDBC, no SDK.
 */
package dev.iii4j.state.config;

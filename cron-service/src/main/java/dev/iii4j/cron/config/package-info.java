/**
 * Configuration records of the cron service ({@code engine.cron.*}), bound from {@code
 * application-cron-service.yml} and environment variables. Plain data: no behaviour, no JDBC, no
 * SDK.
 */
package dev.iii4j.cron.config;

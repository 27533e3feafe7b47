/**
 * The cron service as a gateway worker, through the Java worker SDK: the {@code cron} trigger type
 * and its bindings (validated at registration, handed to the scheduler), firing through the gateway
 * with condition functions and trigger metadata, the SDK worker bean and its readiness. Nothing
 * here touches JDBC or Micronaut Data.
 */
package dev.iii4j.cron.functions;

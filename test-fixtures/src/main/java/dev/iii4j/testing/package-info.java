/**
 * Real PostgreSQL and Kafka for the tests of every module: {@link
 * dev.iii4j.testing.PostgresFixture}, {@link dev.iii4j.testing.KafkaFixture} and {@link
 * dev.iii4j.testing.EngineTestProperties}.
 *
 * <p>Each fixture starts at most one server per JVM, on first use, choosing in this order: a server
 * named by environment variables, a Testcontainers container when a Docker engine answers and has
 * the image locally, or a server embedded in or launched from the JVM (zonky PostgreSQL, the Kafka
 * project's KRaft test kit). This package is test infrastructure: it is only ever a test-scoped
 * dependency, and it must not depend on any engine module, nor offer mocks or in-memory stand-ins.
 */
package dev.iii4j.testing;

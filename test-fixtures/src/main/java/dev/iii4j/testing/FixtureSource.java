package dev.iii4j.testing;

/** Where a fixture's server came from; see {@link PostgresFixture#source()}. */
public enum FixtureSource {
  /** A server named by environment variables, started by a script or CI outside the JVM. */
  ENVIRONMENT,
  /** A Testcontainers container, because a Docker engine answered. */
  TESTCONTAINERS,
  /** A server that needs only the JDK and Maven Central: zonky PostgreSQL or Kafka's KRaft kit. */
  EMBEDDED
}

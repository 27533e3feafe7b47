package dev.iii4j.bench;

import dev.iii4j.testing.KafkaFixture;
import dev.iii4j.testing.PostgresFixture;
import java.io.IOException;

/**
 * The child JVM that holds the real infrastructure of a run: PostgreSQL (the test fixture's server:
 * from the environment, Testcontainers or embedded zonky) and Kafka (from the environment,
 * Testcontainers or the in-JVM KRaft test kit). Running it apart keeps the broker's threads and
 * heap out of the harness, which generates the load. Prints its endpoints, then {@code READY}, and
 * exits (stopping both) when its standard input closes.
 */
public final class InfraMain {
  private InfraMain() {}

  /** Entry point. */
  public static void main(String[] args) throws IOException {
    PostgresFixture postgres = PostgresFixture.instance();
    KafkaFixture kafka = KafkaFixture.instance();
    System.out.println("PG_USER " + postgres.username());
    System.out.println(
        "PG_PASSWORD " + (postgres.password().isEmpty() ? "-" : postgres.password()));
    System.out.println("PG_STATE " + postgres.createDatabase("bench_state"));
    System.out.println("PG_CRON " + postgres.createDatabase("bench_cron"));
    System.out.println("KAFKA " + kafka.bootstrapServers());
    System.out.println("READY");
    System.out.flush();
    while (System.in.read() >= 0) {
      // Runs until the harness closes standard input.
    }
    System.exit(0);
  }
}

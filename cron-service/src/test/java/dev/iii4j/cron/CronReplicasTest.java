package dev.iii4j.cron;

import static dev.iii4j.cron.CronServiceInstance.claims;
import static dev.iii4j.cron.CronServiceInstance.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.cron.CronServiceInstance.Claim;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.TriggerRef;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three replicas of the cron service on one database: each holds every binding, and the claim row
 * gives each tick to exactly one of them.
 */
class CronReplicasTest {
  private static final int REPLICAS = 3;
  private static final int RUN_SECONDS = 30;

  private static GatewayHarness gateway;
  private static DataSource db;
  private static final List<ApplicationContext> replicas = new ArrayList<>();
  private static EngineWorker client;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayHarness.start();
    String url = PostgresFixture.instance().createDatabase("cron_replicas");
    db = PostgresFixture.instance().dataSource(url);
    for (int i = 0; i < REPLICAS; i++) {
      Map<String, Object> p = CronServiceInstance.properties(gateway, url);
      p.put("engine.cron.replica-id", "replica-" + i);
      replicas.add(CronServiceInstance.start(p));
    }
    client = gateway.worker("cron-replicas-test");
    client.start().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    replicas.forEach(ApplicationContext::close);
    if (gateway != null) {
      gateway.close();
    }
  }

  private static String unique(String name) {
    return "cron-test::" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static boolean onEveryReplica(String jobId, boolean scheduled) {
    return replicas.stream()
        .allMatch(r -> r.getBean(CronScheduler.class).jobIds().contains(jobId) == scheduled);
  }

  /** The one long test of the module: 30 seconds of an every-second trigger on 3 replicas. */
  @Test
  void everySecondTriggerFiresOncePerSecondAcrossThreeReplicasForThirtySeconds() {
    Fires fires = new Fires();
    String fn = unique("every-second");
    client.registerFunction(fn, fires.handler());
    TriggerRef trigger =
        client.registerTrigger("cron", fn, SerdeTrees.sdk(object("expression", "* * * * * *")));
    try {
      await().atMost(Duration.ofSeconds(15)).until(() -> onEveryReplica(trigger.id(), true));
      await()
          .atMost(Duration.ofSeconds(RUN_SECONDS + 20))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> fires.size() >= RUN_SECONDS + 1);
    } finally {
      trigger.unregister();
    }
    List<Instant> ticks = fires.scheduled();
    assertThat(ticks).doesNotHaveDuplicates();
    List<Instant> sorted = ticks.stream().sorted().toList();
    Instant first = sorted.getFirst();
    Instant last = sorted.getLast();
    // No gap: every second from the first fire to the last one fired exactly once.
    assertThat(Duration.between(first, last).toSeconds()).isEqualTo(sorted.size() - 1L);

    List<Claim> rows = claims(db, trigger.id());
    assertThat(rows.stream().map(Claim::scheduledTime).toList()).containsAll(sorted);
    Map<String, Long> byReplica =
        rows.stream()
            .collect(Collectors.groupingBy(Claim::replicaId, TreeMap::new, Collectors.counting()));

    // Firing accuracy: how late after the scheduled second the handler received the call.
    List<Long> delays =
        fires.all().stream().map(f -> f.delay().toNanos() / 1_000).sorted().toList();
    List<Long> claimDelays =
        fires.all().stream()
            .map(f -> Duration.between(f.scheduled(), f.actual()).toNanos() / 1_000)
            .sorted()
            .toList();
    System.out.printf(
        "cron accuracy over %d fires on %d replicas (claims per replica %s):%n"
            + "  scheduled -> actual_time (claimed): p50 %.1f ms, p90 %.1f ms, max %.1f ms%n"
            + "  scheduled -> handler received:      p50 %.1f ms, p90 %.1f ms, max %.1f ms%n",
        delays.size(),
        REPLICAS,
        byReplica,
        percentile(claimDelays, 50),
        percentile(claimDelays, 90),
        percentile(claimDelays, 100),
        percentile(delays, 50),
        percentile(delays, 90),
        percentile(delays, 100));
    assertThat(percentile(delays, 50)).as("median delay in ms").isLessThan(100.0);
    assertThat(percentile(delays, 100)).as("worst delay in ms").isLessThan(1000.0);
  }

  @Test
  void unregisteringStopsTheFiringOnEveryReplica() {
    Fires fires = new Fires();
    String fn = unique("stopped");
    client.registerFunction(fn, fires.handler());
    TriggerRef trigger =
        client.registerTrigger("cron", fn, SerdeTrees.sdk(object("expression", "* * * * * *")));
    await().atMost(Duration.ofSeconds(15)).until(() -> fires.size() >= 2);
    trigger.unregister();
    await().atMost(Duration.ofSeconds(10)).until(() -> onEveryReplica(trigger.id(), false));
    int after = fires.size();
    int claimsAfter = claims(db, trigger.id()).size();
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> fires.size() == after && claims(db, trigger.id()).size() == claimsAfter);
  }

  private static double percentile(List<Long> sortedMicros, int p) {
    int index = (int) Math.ceil(p / 100.0 * sortedMicros.size()) - 1;
    return sortedMicros.get(Math.max(0, Math.min(index, sortedMicros.size() - 1))) / 1000.0;
  }
}

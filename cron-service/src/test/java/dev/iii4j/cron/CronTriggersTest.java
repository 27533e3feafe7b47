package dev.iii4j.cron;

import static dev.iii4j.cron.CronServiceInstance.claims;
import static dev.iii4j.cron.CronServiceInstance.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.iii4j.cron.CronServiceInstance.Claim;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.TraceContext;
import dev.iii4j.sdk.TriggerRef;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code cron} trigger type through a real gateway, one replica, real PostgreSQL. */
class CronTriggersTest {
  private static final String EVERY_SECOND = "* * * * * *";
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static GatewayHarness gateway;
  private static ApplicationContext cron;
  private static DataSource db;
  private static EngineWorker client;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayHarness.start();
    String url = PostgresFixture.instance().createDatabase("cron_triggers");
    db = PostgresFixture.instance().dataSource(url);
    Map<String, Object> properties = CronServiceInstance.properties(gateway, url);
    properties.put("engine.cron.prune-interval", "300ms");
    properties.put("engine.cron.claim-retention", "1h");
    cron = CronServiceInstance.start(properties);
    client = gateway.worker("cron-triggers-test");
    client.start().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (cron != null) {
      cron.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private static String unique(String name) {
    return "cron-test::" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void eachFireIsATraceOfItsOwnSharedByTheConditionAndTheHandler() {
    Fires fires = new Fires();
    Fires conditions = new Fires();
    String fn = unique("traced");
    String condition = unique("traced-condition");
    client.registerFunction(fn, fires.handler());
    client.registerFunction(
        condition,
        invocation -> {
          conditions.record(invocation);
          return CompletableFuture.completedFuture(
              SerdeTrees.sdk(JsonNode.createBooleanNode(true)));
        });
    TriggerRef trigger =
        client.registerTrigger(
            "cron",
            fn,
            SerdeTrees.sdk(object("expression", EVERY_SECOND, "condition_function_id", condition)));
    try {
      await().atMost(WAIT).until(() -> fires.size() >= 2);
    } finally {
      trigger.unregister();
    }
    List<String> traces = new java.util.ArrayList<>();
    for (Fires.Fire fire : fires.all().subList(0, 2)) {
      String traceId = TraceContext.traceId(fire.traceparent());
      Fires.Fire gate =
          conditions.all().stream()
              .filter(c -> c.scheduled().equals(fire.scheduled()))
              .findFirst()
              .orElseThrow();
      assertThat(TraceContext.traceId(gate.traceparent())).isEqualTo(traceId);
      traces.add(traceId);
    }
    assertThat(traces).doesNotHaveDuplicates();
  }

  @Test
  void firesWithTheSpecPayloadAndTheTriggerMetadata() {
    Fires fires = new Fires();
    String fn = unique("payload");
    MeterRegistry metrics = cron.getBean(MeterRegistry.class);
    double firedBefore = metrics.counter("iii.cron.fires", "outcome", "fired").count();
    client.registerFunction(fn, fires.handler());
    TriggerRef trigger =
        client.registerTrigger(
            "cron",
            fn,
            SerdeTrees.sdk(object("expression", EVERY_SECOND)),
            SerdeTrees.sdk(object("team", "ops")));
    try {
      await().atMost(WAIT).until(() -> fires.size() >= 2);
    } finally {
      trigger.unregister();
    }
    Fires.Fire fire = fires.all().get(0);
    JsonNode payload = fire.payload();
    assertThat(payload.get("trigger").getStringValue()).isEqualTo("cron");
    assertThat(payload.get("job_id").getStringValue()).isEqualTo(trigger.id());
    assertThat(payload.get("scheduled_time").getStringValue())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00");
    assertThat(payload.get("actual_time").getStringValue())
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3}|\\.\\d{6}|\\.\\d{9})?\\+00:00");
    assertThat(fire.actual()).isAfterOrEqualTo(fire.scheduled());
    assertThat(Duration.between(fire.scheduled(), fire.actual())).isLessThan(Duration.ofSeconds(1));
    // Metadata is a separate argument, never merged into the payload.
    assertThat(fire.metadata()).isEqualTo(object("team", "ops"));
    assertThat(payload.get("team")).isNull();
    assertThat(fires.scheduled()).doesNotHaveDuplicates();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(claims(db, trigger.id()))
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c.outcome()).isIn("fired", "cancelled")));
    assertThat(metrics.counter("iii.cron.fires", "outcome", "fired").count() - firedBefore)
        .as("fires counted for Prometheus")
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void conditionFalseSkipsTheTickAndTheConditionGetsThePayloadWithoutMetadata() {
    Fires fires = new Fires();
    Fires conditionCalls = new Fires();
    String fn = unique("conditional");
    String condition = unique("odd-seconds");
    client.registerFunction(fn, fires.handler());
    client.registerFunction(
        condition,
        invocation -> {
          conditionCalls.record(invocation);
          long second =
              OffsetDateTime.parse(
                      SerdeTrees.serde(invocation.data()).get("scheduled_time").getStringValue())
                  .toEpochSecond();
          return CompletableFuture.completedFuture(
              SerdeTrees.sdk(JsonNode.createBooleanNode(second % 2 == 1)));
        });
    TriggerRef trigger =
        client.registerTrigger(
            "cron",
            fn,
            SerdeTrees.sdk(object("expression", EVERY_SECOND, "condition_function_id", condition)),
            SerdeTrees.sdk(object("m", "1")));
    try {
      await().atMost(WAIT).until(() -> fires.size() >= 2 && conditionCalls.size() >= 4);
    } finally {
      trigger.unregister();
    }
    assertThat(fires.scheduled()).allSatisfy(t -> assertThat(t.getEpochSecond() % 2).isOne());
    assertThat(conditionCalls.all())
        .allSatisfy(
            call -> {
              assertThat(call.payload().get("job_id").getStringValue()).isEqualTo(trigger.id());
              assertThat(call.payload().get("trigger").getStringValue()).isEqualTo("cron");
              assertThat(call.metadata()).isNull();
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(claims(db, trigger.id()))
                    .filteredOn(c -> c.scheduledTime().getEpochSecond() % 2 == 0)
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c.outcome()).isIn("skipped", "cancelled")));
  }

  @Test
  void aFailingConditionSkipsTheTick() {
    Fires fires = new Fires();
    String fn = unique("never");
    String condition = unique("broken-condition");
    client.registerFunction(fn, fires.handler());
    client.registerFunction(
        condition,
        FunctionHandler.sync(
            input -> {
              throw new IllegalStateException("condition is broken");
            }));
    TriggerRef trigger =
        client.registerTrigger(
            "cron",
            fn,
            SerdeTrees.sdk(object("expression", EVERY_SECOND, "condition_function_id", condition)));
    try {
      await()
          .atMost(WAIT)
          .until(
              () ->
                  claims(db, trigger.id()).stream()
                          .filter(c -> c.outcome().equals("skipped"))
                          .count()
                      >= 2);
    } finally {
      trigger.unregister();
    }
    assertThat(fires.size()).isZero();
  }

  @Test
  void invalidConfigsAreRejectedAtRegistrationWithTheReason() {
    String fn = unique("unused");
    client.registerFunction(fn, new Fires().handler());
    assertThat(rejection(fn, object("expression", "0 0 0 * * 0")))
        .endsWith(
            "Invalid cron expression '0 0 0 * * 0': day-of-week field '0': 0 is out of range 1-7"
                + " (1 = Sunday, 7 = Saturday)");
    assertThat(rejection(fn, object("expression", "*/5 * * * *")))
        .endsWith(
            "Invalid cron expression '*/5 * * * *': expected 6 or 7 fields (second minute hour"
                + " day-of-month month day-of-week [year]), found 5; the seconds field is"
                + " required");
    assertThat(rejection(fn, object("schedule", "* * * * * *")))
        .endsWith("Cron expression is required");
    assertThat(rejection(fn, object("expression", ""))).endsWith("Cron expression is required");
    assertThat(
            rejection(
                fn, JsonNode.createObjectNode(Map.of("expression", JsonNode.createNumberNode(5)))))
        .endsWith("Cron expression is required");
    assertThat(rejection(fn, object("expression", EVERY_SECOND, "timezone", "Mars/Olympus")))
        .endsWith("Invalid time zone 'Mars/Olympus': Unknown time-zone ID: Mars/Olympus");
    assertThat(cron.getBean(CronScheduler.class).jobIds()).isEmpty();
  }

  private static String rejection(String fn, JsonNode config) {
    JsonNode request =
        JsonNode.createObjectNode(
            Map.of(
                "trigger_type", JsonNode.createStringNode("cron"),
                "function_id", JsonNode.createStringNode(fn),
                "config", config));
    ExecutionException failure =
        catchThrowableOfType(
            ExecutionException.class,
            () ->
                client
                    .call("engine::register_trigger", SerdeTrees.sdk(request))
                    .get(10, TimeUnit.SECONDS));
    assertThat(failure).as("registration of %s was accepted", config).isNotNull();
    WorkerException.Remote remote = (WorkerException.Remote) failure.getCause();
    assertThat(remote.code()).isEqualTo("trigger_registration_failed");
    return remote.getMessage();
  }

  @Test
  void aTickClaimedByAReplicaThatDiedIsNotFiredByAnyone() {
    Fires fires = new Fires();
    String fn = unique("dead-claims");
    client.registerFunction(fn, fires.handler());
    TriggerRef trigger =
        client.registerTrigger("cron", fn, SerdeTrees.sdk(object("expression", EVERY_SECOND)));
    List<Instant> taken = new CopyOnWriteArrayList<>();
    try {
      await().atMost(WAIT).until(() -> fires.size() >= 1);
      // A replica that claimed the next ticks and died before firing them.
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      for (int i = 2; i <= 4; i++) {
        Instant tick = now.plusSeconds(i);
        CronServiceInstance.insertClaim(db, trigger.id(), tick, "dead-replica", "claimed");
        taken.add(tick);
      }
      Instant after = now.plusSeconds(5);
      await().atMost(WAIT).until(() -> fires.scheduled().stream().anyMatch(t -> t.isAfter(after)));
    } finally {
      trigger.unregister();
    }
    assertThat(fires.scheduled()).doesNotContainAnyElementsOf(taken).doesNotHaveDuplicates();
    assertThat(claims(db, trigger.id()))
        .filteredOn(c -> taken.contains(c.scheduledTime()))
        .extracting(Claim::replicaId, Claim::outcome)
        .containsOnly(tuple("dead-replica", "claimed"));
  }

  @Test
  void claimsOlderThanTheRetentionArePruned() {
    String job = unique("pruned");
    Instant old = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
    CronServiceInstance.insertClaim(db, job, old, "r1", "fired");
    CronServiceInstance.insertClaim(db, job, old.plusSeconds(1), "r2", "claimed");
    Instant recent = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    CronServiceInstance.insertClaim(db, job, recent, "r1", "fired");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(claims(db, job))
                    .extracting(Claim::scheduledTime)
                    .containsExactly(recent));
    assertThat(cron.getBean(TickClaims.class).prune(Duration.ofHours(1)))
        .isEqualTo(new TickClaims.Pruned(0, 0));
  }

  @Test
  void migratesIntoItsOwnSchemaWithItsOwnHistory() throws Exception {
    List<String> tables = new java.util.ArrayList<>();
    try (java.sql.Connection c = db.getConnection();
        java.sql.ResultSet r =
            c.createStatement()
                .executeQuery(
                    "SELECT table_schema || '.' || table_name FROM information_schema.tables"
                        + " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                        + " ORDER BY 1")) {
      while (r.next()) {
        tables.add(r.getString(1));
      }
    }
    // Nothing in public: a state-service sharing the database keeps its own Flyway history there.
    assertThat(tables).containsExactly("iii_cron.flyway_schema_history", "iii_cron.tick_claim");
  }
}

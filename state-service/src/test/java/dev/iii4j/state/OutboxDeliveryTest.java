package dev.iii4j.state;

import static dev.iii4j.state.StateFunctionsTest.set;
import static dev.iii4j.testing.Calls.call;
import static dev.iii4j.testing.Calls.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.state.functions.StateTriggers;
import dev.iii4j.testing.Calls;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** The outbox: durability across a restart, once-only delivery by replicas, pruning, Flyway. */
class OutboxDeliveryTest {

  private static List<JsonNode> recorder(EngineWorker worker, String fn) {
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    worker.registerFunction(
        fn,
        FunctionHandler.sync(
            payload -> {
              received.add(Calls.stripCaller(SerdeTrees.serde(payload)));
              return null;
            }));
    return received;
  }

  /** A started client whose recording handler {@code received} is bound to {@code scope}. */
  private record Subscriber(EngineWorker client, List<JsonNode> received) {}

  /**
   * Connects {@code name}, binds its recorder to {@code scope}, waits until every service has it.
   */
  private static Subscriber subscribe(
      GatewayHarness gateway, String name, String scope, ApplicationContext... services)
      throws Exception {
    EngineWorker client = gateway.worker(name);
    String fn = unique("test::" + name);
    List<JsonNode> received = recorder(client, fn);
    client.registerTrigger(
        "state", fn, SerdeTrees.sdk(JsonText.parse("{\"scope\":\"" + scope + "\"}")));
    client.start().get(10, TimeUnit.SECONDS);
    Calls.awaitAnswer(client, "state::list_groups");
    for (ApplicationContext service : services) {
      awaitBinding(service, scope, fn);
    }
    return new Subscriber(client, received);
  }

  private static void awaitBinding(ApplicationContext context, String scope, String fn) {
    StateTriggers triggers = context.getBean(StateTriggers.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                triggers.matching(scope, "any").stream().anyMatch(t -> t.functionId().equals(fn)));
  }

  private static long count(String jdbcUrl, String sql) throws Exception {
    try (Connection c = PostgresFixture.instance().dataSource(jdbcUrl).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void anEventSurvivesARestartBetweenCommitAndDelivery() throws Exception {
    String db = PostgresFixture.instance().createDatabase("state_restart");
    try (GatewayHarness gateway = GatewayHarness.start()) {
      Map<String, Object> properties = StateServiceInstance.properties(gateway, db);
      // The first instance commits but never delivers: it stops between the two.
      properties.put("engine.state.events.dispatch-enabled", false);
      ApplicationContext first = StateServiceInstance.start(properties);
      EngineWorker client = gateway.worker("restart-client");
      String scope = unique("durable");
      String fn = unique("test::durable");
      List<JsonNode> received = recorder(client, fn);
      client.registerTrigger(
          "state", fn, SerdeTrees.sdk(JsonText.parse("{\"scope\":\"" + scope + "\"}")));
      client.start().get(10, TimeUnit.SECONDS);
      Calls.awaitAnswer(client, "state::list_groups");
      awaitBinding(first, scope, fn);
      call(client, "state::set", set(scope, "k", "{\"v\":1}"));
      assertThat(first.getBean(StateStore.class).undelivered()).isEqualTo(1);
      first.close();
      assertThat(received).isEmpty();

      properties.put("engine.state.events.dispatch-enabled", true);
      long restarted = System.nanoTime();
      try (ApplicationContext second = StateServiceInstance.start(properties)) {
        await().atMost(Duration.ofSeconds(15)).until(() -> received.size() == 1);
        System.out.println(
            "MEASURE event delivered "
                + (System.nanoTime() - restarted) / 1_000_000
                + " ms after the replacement instance started");
        assertThat(JsonText.write(received.get(0)))
            .isEqualTo(
                "{\"type\":\"state\",\"event_type\":\"state:created\",\"scope\":\""
                    + scope
                    + "\",\"key\":\"k\",\"old_value\":null,\"new_value\":{\"v\":1}}");
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> second.getBean(StateStore.class).undelivered() == 0);
        await()
            .during(Duration.ofMillis(400))
            .atMost(Duration.ofSeconds(2))
            .until(() -> received.size() == 1);
      }
    }
  }

  @Test
  void twoReplicasDeliverEachEventOnceAndInOrderPerKey() throws Exception {
    String db = PostgresFixture.instance().createDatabase("state_replicas");
    try (GatewayHarness gateway = GatewayHarness.start();
        ApplicationContext one =
            StateServiceInstance.start(StateServiceInstance.properties(gateway, db));
        ApplicationContext two =
            StateServiceInstance.start(StateServiceInstance.properties(gateway, db))) {
      String scope = unique("replicas");
      Subscriber subscriber = subscribe(gateway, "replica-client", scope, one, two);
      EngineWorker client = subscriber.client();
      List<JsonNode> received = subscriber.received();

      List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        calls.add(
            client
                .call("state::set", SerdeTrees.sdk(JsonText.parse(set(scope, "k" + i, "" + i))))
                .thenApply(SerdeTrees::serde));
      }
      String inc =
          StateFunctionsTest.update(
              scope, "hot", "[{\"type\":\"increment\",\"path\":\"\",\"by\":1}]");
      for (int i = 0; i < 30; i++) {
        calls.add(
            client
                .call("state::update", SerdeTrees.sdk(JsonText.parse(inc)))
                .thenApply(SerdeTrees::serde));
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 70);
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(3))
          .until(() -> received.size() == 70);

      HashSet<String> distinct = new HashSet<>();
      List<Long> hot = new ArrayList<>();
      for (JsonNode event : received) {
        distinct.add(JsonText.write(event));
        if (event.get("key").getStringValue().equals("hot")) {
          hot.add(event.get("new_value").getLongValue());
        }
      }
      assertThat(distinct).hasSize(70);
      assertThat(hot).hasSize(30).isSorted().startsWith(1L).endsWith(30L);
      assertThat(one.getBean(StateStore.class).undelivered()).isZero();
    }
  }

  /** Two sets, an update of that key and of a new one, a delete of it and of a missing key. */
  private static void writeSetUpdateAndDelete(EngineWorker client, String scope) throws Exception {
    call(client, "state::set", set(scope, "k", "1"));
    call(client, "state::set", set(scope, "k", "2"));
    call(
        client,
        "state::update",
        StateFunctionsTest.update(scope, "k", "[{\"type\":\"increment\",\"path\":\"\",\"by\":1}]"));
    call(client, "state::update", StateFunctionsTest.update(scope, "new", "[]"));
    call(client, "state::delete", StateFunctionsTest.key(scope, "k"));
    call(client, "state::delete", StateFunctionsTest.key(scope, "absent"));
  }

  @Test
  void aWriteNoTriggerMatchesLeavesNoOutboxRow() throws Exception {
    String db = PostgresFixture.instance().createDatabase("state_unbound");
    try (GatewayHarness gateway = GatewayHarness.start();
        ApplicationContext service =
            StateServiceInstance.start(StateServiceInstance.properties(gateway, db))) {
      String bound = unique("bound");
      Subscriber subscriber = subscribe(gateway, "unbound-client", bound, service);
      EngineWorker client = subscriber.client();
      List<JsonNode> received = subscriber.received();

      String unbound = unique("unbound");
      writeSetUpdateAndDelete(client, unbound);
      assertThat(count(db, "SELECT count(*) FROM state_event")).isZero();

      // The same writes in a bound scope: one event each, delete of an absent key included.
      writeSetUpdateAndDelete(client, bound);
      assertThat(count(db, "SELECT count(*) FROM state_event WHERE scope = '" + bound + "'"))
          .isEqualTo(6);
      assertThat(count(db, "SELECT count(*) FROM state_event")).isEqualTo(6);
      await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 6);
      // Keys are delivered concurrently: the order holds per key only.
      assertThat(received.stream().map(e -> e.get("event_type").getStringValue()).toList())
          .containsExactlyInAnyOrder(
              "state:created",
              "state:updated",
              "state:updated",
              "state:created",
              "state:deleted",
              "state:deleted");
    }
  }

  @Test
  void deliveredEventsArePrunedAfterTheRetention() throws Exception {
    String db = PostgresFixture.instance().createDatabase("state_prune");
    try (GatewayHarness gateway = GatewayHarness.start()) {
      Map<String, Object> properties = StateServiceInstance.properties(gateway, db);
      properties.put("engine.state.events.retention", "0s");
      properties.put("engine.state.events.prune-interval", "100ms");
      try (ApplicationContext service = StateServiceInstance.start(properties)) {
        String scope = unique("prune");
        Subscriber subscriber = subscribe(gateway, "prune-client", scope, service);
        EngineWorker client = subscriber.client();
        List<JsonNode> received = subscriber.received();
        call(client, "state::set", set(scope, "k", "1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> count(db, "SELECT count(*) FROM state_event") == 0);
        assertThat(count(db, "SELECT count(*) FROM state_entry")).isEqualTo(1);
      }
    }
  }

  @Test
  void flywayMigratesAnEmptyDatabaseAndIsANoOpOnAMigratedOne() throws Exception {
    String db = PostgresFixture.instance().createDatabase("state_flyway");
    assertThat(
            count(
                db,
                "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'state_%'"))
        .isZero();
    try (GatewayHarness gateway = GatewayHarness.start()) {
      Map<String, Object> properties = StateServiceInstance.properties(gateway, db);
      try (ApplicationContext first = StateServiceInstance.start(properties)) {
        first
            .getBean(StateStore.class)
            .write("s", "k", old -> JsonText.parse("1"), List.of(), null);
      }
      assertThat(count(db, "SELECT count(*) FROM flyway_schema_history WHERE success"))
          .isEqualTo(2);
      String installed = "SELECT count(*) FROM flyway_schema_history WHERE version = '1'";
      assertThat(count(db, installed)).isEqualTo(1);
      try (ApplicationContext second = StateServiceInstance.start(properties)) {
        assertThat(second.getBean(StateStore.class).get("s", "k")).isPresent();
      }
      assertThat(count(db, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(2);
    }
  }

  @Test
  void aDatabaseOfTheFirstSchemaGainsTheTraceColumnsAndKeepsItsPendingEvents() throws Exception {
    String db = PostgresFixture.instance().createDatabase("state_v1");
    Flyway.configure()
        .dataSource(PostgresFixture.instance().dataSource(db))
        .locations("classpath:db/migration")
        .target("1")
        .load()
        .migrate();
    try (Connection c = PostgresFixture.instance().dataSource(db).getConnection();
        Statement st = c.createStatement()) {
      st.executeUpdate(
          "INSERT INTO state_event (scope, key, event_type, new_value, targets, pending)"
              + " VALUES ('s', 'k', 'state:created', '1', '[]', '[{\"trigger_id\":\"t\","
              + "\"function_id\":\"f\",\"config\":null,\"metadata\":null}]')");
    }
    try (GatewayHarness gateway = GatewayHarness.start()) {
      Map<String, Object> properties = StateServiceInstance.properties(gateway, db);
      properties.put("engine.state.events.dispatch-enabled", false);
      try (ApplicationContext service = StateServiceInstance.start(properties)) {
        assertThat(service.getBean(StateStore.class).undelivered()).isEqualTo(1);
      }
    }
    assertThat(count(db, "SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(2);
    assertThat(count(db, "SELECT count(*) FROM state_event WHERE traceparent IS NULL"))
        .isEqualTo(1);
  }
}

package dev.iii4j.stream;

import static dev.iii4j.stream.Items.item;
import static dev.iii4j.testing.Calls.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.ops.JsonText;
import dev.iii4j.ops.Requests;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.stream.clients.ClientHub;
import dev.iii4j.stream.functions.StreamTriggers;
import dev.iii4j.testing.Calls;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two replicas against one database and one gateway. */
class StreamReplicasTest {
  private static GatewayHarness gateway;
  private static String db;
  private static ApplicationContext one;
  private static ApplicationContext two;
  private static EngineWorker client;

  @BeforeAll
  static void start() throws Exception {
    gateway = GatewayHarness.start();
    db = PostgresFixture.instance().createDatabase("stream_replicas");
    one = StreamServiceInstance.start(StreamServiceInstance.properties(gateway, db));
    two = StreamServiceInstance.start(StreamServiceInstance.properties(gateway, db));
    client = gateway.worker("stream-replicas-client");
    client.start().get(10, TimeUnit.SECONDS);
    Calls.awaitAnswer(client, "stream::list_all");
  }

  @AfterAll
  static void stop() {
    if (one != null) {
      one.close();
    }
    if (two != null) {
      two.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aClientOnOneReplicaSeesAChangeMadeThroughTheOther() throws Exception {
    String s = unique("cross");
    try (StreamClient onOne = StreamClient.connect(StreamServiceInstance.clientUrl(one));
        StreamClient onTwo = StreamClient.connect(StreamServiceInstance.clientUrl(two))) {
      onOne.join("a", s, "g", null);
      onTwo.join("b", s, "g", "i");
      assertThat(onOne.nextEvent()).isEqualTo("{\"type\":\"sync\",\"data\":[]}");
      assertThat(onTwo.nextEvent()).isEqualTo("{\"type\":\"sync\",\"data\":null}");

      two.getBean(StreamService.class).set(s, "g", "i", JsonText.parse("{\"by\":\"two\"}"), null);
      assertThat(onOne.nextEvent()).isEqualTo("{\"type\":\"create\",\"data\":{\"by\":\"two\"}}");
      assertThat(onTwo.nextEvent()).isEqualTo("{\"type\":\"create\",\"data\":{\"by\":\"two\"}}");

      one.getBean(StreamService.class).set(s, "g", "i", JsonText.parse("{\"by\":\"one\"}"), null);
      assertThat(onTwo.nextEvent()).isEqualTo("{\"type\":\"update\",\"data\":{\"by\":\"one\"}}");
      assertThat(onOne.nextEvent()).isEqualTo("{\"type\":\"update\",\"data\":{\"by\":\"one\"}}");

      one.getBean(StreamService.class).send(s, "g", null, "hi", JsonText.parse("1"), null);
      assertThat(onOne.nextEvent())
          .isEqualTo("{\"type\":\"event\",\"event\":{\"type\":\"hi\",\"data\":1}}");
      // The item subscription on two does not get a group-wide event.
      onTwo.assertQuiet(Duration.ofMillis(300));
    }
  }

  @Test
  void changesOfOneItemReachClientsOfBothReplicasInCommitOrder() throws Exception {
    String s = unique("order");
    int writes = 200;
    try (StreamClient onOne = StreamClient.connect(StreamServiceInstance.clientUrl(one));
        StreamClient onTwo = StreamClient.connect(StreamServiceInstance.clientUrl(two))) {
      onOne.join("a", s, "g", "n");
      onTwo.join("b", s, "g", null);
      onOne.next();
      onTwo.next();
      // Writers on both replicas at once, directly and through the gateway (which spreads calls
      // over the two): every write increments the same item.
      List<UpdateOpsCall> ops = List.of(new UpdateOpsCall(one), new UpdateOpsCall(two));
      ExecutorService writers = Executors.newFixedThreadPool(4);
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        done.add(
            writers.submit(
                () -> {
                  for (int i = 0; i < writes / 4; i++) {
                    if (writer < 2) {
                      ops.get(writer).increment(s);
                    } else {
                      client
                          .call(
                              "stream::update",
                              SerdeTrees.sdk(
                                  JsonText.parse(
                                      item(
                                          s,
                                          "g",
                                          "n",
                                          "\"ops\":[{\"type\":\"increment\",\"path\":\"\",\"by\":1}]"))))
                          .join();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      writers.shutdown();
      for (StreamClient ws : List.of(onOne, onTwo)) {
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
          values.add(ws.next().get("event").get("data").getLongValue());
        }
        List<Long> expected = new ArrayList<>();
        for (long v = 1; v <= writes; v++) {
          expected.add(v);
        }
        assertThat(values).isEqualTo(expected);
      }
    }
  }

  @Test
  void streamTriggersFireOncePerChangeNotOncePerReplica() throws Exception {
    String s = unique("once");
    String fn = unique("test::once");
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    EngineWorker worker = gateway.worker("once-recorder");
    worker.registerFunction(
        fn,
        FunctionHandler.sync(
            p -> {
              received.add(Calls.stripCaller(SerdeTrees.serde(p)));
              return null;
            }));
    worker.registerTrigger(
        StreamTriggers.TYPE, fn, SerdeTrees.sdk(JsonText.parse("{\"stream_name\":\"" + s + "\"}")));
    worker.start().get(10, TimeUnit.SECONDS);
    try {
      for (ApplicationContext replica : List.of(one, two)) {
        StreamTriggers triggers = replica.getBean(StreamTriggers.class);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> !triggers.matching(s, "g", "x").isEmpty());
      }
      List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        calls.add(
            client
                .call(
                    "stream::set",
                    SerdeTrees.sdk(JsonText.parse(item(s, "g", "k" + i, "\"data\":" + i))))
                .thenApply(SerdeTrees::serde));
      }
      for (int i = 0; i < 30; i++) {
        calls.add(
            client
                .call(
                    "stream::update",
                    SerdeTrees.sdk(
                        JsonText.parse(
                            item(
                                s,
                                "g",
                                "hot",
                                "\"ops\":[{\"type\":\"increment\",\"path\":\"\",\"by\":1}]"))))
                .thenApply(SerdeTrees::serde));
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 60);
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(3))
          .until(() -> received.size() == 60);
      Set<String> items = new HashSet<>();
      List<Long> hot = new ArrayList<>();
      for (JsonNode event : received) {
        String id = event.get("id").getStringValue();
        if (id.equals("hot")) {
          hot.add(event.get("event").get("data").getLongValue());
        } else {
          items.add(id);
        }
      }
      assertThat(items).hasSize(30);
      assertThat(hot).hasSize(30).isSorted().startsWith(1L).endsWith(30L);
      assertThat(one.getBean(StreamStore.class).undelivered()).isZero();
    } finally {
      worker.close();
    }
  }

  @Test
  void aReplicaWhoseChangeFeedWasCutResyncsItsClients() throws Exception {
    String s = unique("gap");
    try (StreamClient ws = StreamClient.connect(StreamServiceInstance.clientUrl(one))) {
      ws.join("a", s, "g", null);
      assertThat(ws.nextEvent()).isEqualTo("{\"type\":\"sync\",\"data\":[]}");
      ChangeFeed feed = one.getBean(ChangeFeed.class);
      // Cut the feed connections of both replicas, write while they are away.
      try (Connection c = PostgresFixture.instance().dataSource(db).getConnection();
          Statement st = c.createStatement()) {
        st.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE application_name = 'iii stream-service change feed'");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> !feed.connected());
      two.getBean(StreamService.class)
          .set(s, "g", "missed", JsonText.parse("\"while away\""), null);
      await().atMost(Duration.ofSeconds(10)).until(feed::connected);
      JsonNode next = ws.next();
      assertThat(JsonText.write(next.get("event")))
          .isEqualTo("{\"type\":\"sync\",\"data\":[\"while away\"]}");
      assertThat(one.getBean(ClientHub.class).subscriptions()).isEqualTo(1);
    }
  }

  /** Direct increments through one replica's service, as a local writer would make them. */
  private record UpdateOpsCall(ApplicationContext replica) {
    void increment(String s) {
      JsonNode request =
          JsonText.parse(
              item(s, "g", "n", "\"ops\":[{\"type\":\"increment\",\"path\":\"\",\"by\":1}]"));
      replica
          .getBean(StreamService.class)
          .update(s, "g", "n", Requests.ops(request), request.get("ops"), null);
    }
  }
}

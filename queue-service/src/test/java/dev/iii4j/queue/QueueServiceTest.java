package dev.iii4j.queue;

import static dev.iii4j.queue.QueueTestSupport.json;
import static dev.iii4j.testing.Calls.stripCaller;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.iii4j.queue.config.QueueProperties;
import dev.iii4j.queue.kafka.KafkaQueueBackend;
import dev.iii4j.queue.metrics.QueueMetrics;
import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.Invocation;
import dev.iii4j.sdk.TraceContext;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.KafkaFixture;
import dev.iii4j.testing.ManagementEndpoints;
import dev.iii4j.testing.ServiceWithClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The queue service end to end: a real gateway, one replica of the service and an SDK client, on
 * the real (embedded) Kafka broker. Queues are declared per test with unique names, and the topic
 * prefix is unique to this class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueueServiceTest {
  private final String prefix = QueueTestSupport.prefix();
  private final String plain = "plain";
  private final String backoff = "backoff";
  private final String dead = "dead";
  private final String fifo = "fifo";
  private final String wide = "wide";
  private ServiceWithClient stack;
  private GatewayHarness gateway;
  private ApplicationContext service;
  private EngineWorker client;

  @BeforeAll
  void start() throws Exception {
    Map<String, Object> queues = new HashMap<>();
    queues.put("engine.queues." + plain + ".concurrency", 4);
    queues.put("engine.queues." + backoff + ".max-retries", 4);
    queues.put("engine.queues." + backoff + ".backoff-ms", 300);
    queues.put("engine.queues." + dead + ".max-retries", 2);
    queues.put("engine.queues." + dead + ".backoff-ms", 50);
    queues.put("engine.queues." + fifo + ".type", "fifo");
    queues.put("engine.queues." + fifo + ".message-group-field", "g");
    queues.put("engine.queues." + fifo + ".backoff-ms", 150);
    queues.put("engine.queues." + fifo + ".max-retries", 5);
    queues.put("engine.queues." + fifo + ".concurrency", 4);
    // Declared without concurrency: takes the default.
    queues.put("engine.queues." + wide + ".max-retries", 3);
    stack =
        ServiceWithClient.start(
            gw -> QueueTestSupport.startService(gw, prefix, queues),
            "queue-test-client",
            QueueTestSupport::awaitReady);
    gateway = stack.gateway();
    service = stack.service();
    client = stack.client();
  }

  @AfterAll
  void stop() {
    ServiceWithClient.close(stack);
  }

  private static final ExecutorService HELD = Executors.newVirtualThreadPerTaskExecutor();

  /** A handler that waits for {@code release}, counting the deliveries running and handled. */
  private static FunctionHandler held(
      CountDownLatch release, AtomicInteger running, AtomicInteger handled) {
    return in ->
        CompletableFuture.supplyAsync(
            () -> {
              running.incrementAndGet();
              try {
                release.await(30, SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              running.decrementAndGet();
              handled.incrementAndGet();
              return null;
            },
            HELD);
  }

  private String fn(String name) {
    return "test::" + name + "-" + UUID.randomUUID();
  }

  @Test
  void managementServerAnswersOnlyHealthAndPrometheusOnLoopback() throws Exception {
    assertThat(ManagementEndpoints.deviations(service.getBean(EmbeddedServer.class).start()))
        .isEmpty();
  }

  @Test
  void enqueueReturnsReceiptAndDeliversThePayload() throws Exception {
    String fn = fn("plain");
    List<JsonNode> got = new CopyOnWriteArrayList<>();
    client.registerFunction(
        fn,
        FunctionHandler.sync(
            in -> {
              got.add(stripCaller(SerdeTrees.serde(in)));
              return null;
            }));
    JsonNode data = json("order", "o-1", "amount", 42, "nested", json("ok", true));

    String receipt = client.enqueue(plain, fn, SerdeTrees.sdk(data)).get(10, SECONDS);

    assertThat(UUID.fromString(receipt)).isNotNull();
    await().atMost(10, SECONDS).until(() -> got.size() == 1);
    assertThat(got.get(0)).isEqualTo(data);
  }

  @Test
  void aDeliveryContinuesTheTraceOfItsEnqueue() throws Exception {
    String fn = fn("traced");
    List<Invocation> got = new CopyOnWriteArrayList<>();
    client.registerFunction(
        fn,
        invocation -> {
          got.add(invocation);
          return CompletableFuture.completedFuture(null);
        });
    String traceparent = TraceContext.newTraceparent();

    client
        .enqueue(
            plain,
            fn,
            SerdeTrees.sdk(json("order", "o-2")),
            CallOptions.defaults().withTraceparent(traceparent).withBaggage("tenant=t1"))
        .get(10, SECONDS);

    await().atMost(10, SECONDS).until(() -> got.size() == 1);
    assertThat(TraceContext.traceId(got.get(0).traceparent()))
        .isEqualTo(TraceContext.traceId(traceparent));
    assertThat(got.get(0).baggage()).startsWith("tenant=t1");
  }

  @Test
  void enqueueToAnUndeclaredQueueNamesTheDeclaredOnes() {
    assertThatThrownBy(
            () -> client.enqueue("nope", fn("x"), SerdeTrees.sdk(json("a", 1))).get(10, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            WorkerException.Remote.class,
            e -> {
              assertThat(e.code()).isEqualTo("enqueue_error");
              assertThat(e.getMessage())
                  .contains("queue_not_found")
                  .contains("Queue 'nope' not found")
                  .contains("default")
                  .contains(plain);
            });
  }

  @Test
  void fifoEnqueueWithoutTheGroupFieldIsRejected() {
    assertThatThrownBy(
            () -> client.enqueue(fifo, fn("x"), SerdeTrees.sdk(json("a", 1))).get(10, SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            WorkerException.Remote.class,
            e ->
                assertThat(e.getMessage())
                    .contains("FIFO queue '" + fifo + "' requires field 'g' in data"));
  }

  @Test
  void failingTwiceThenSucceedingIsRetriedWithExponentialBackoff() throws Exception {
    String fn = fn("flaky");
    List<Long> calls = new CopyOnWriteArrayList<>();
    client.registerFunction(
        fn,
        FunctionHandler.sync(
            in -> {
              calls.add(System.nanoTime());
              if (calls.size() <= 2) {
                throw new FunctionException("flaky", "failure " + calls.size());
              }
              return null;
            }));

    client.enqueue(backoff, fn, SerdeTrees.sdk(json("n", 1))).get(10, SECONDS);

    await().atMost(15, SECONDS).until(() -> calls.size() >= 3);
    long first = (calls.get(1) - calls.get(0)) / 1_000_000;
    long second = (calls.get(2) - calls.get(1)) / 1_000_000;
    // backoff-ms 300, doubling: about 300 ms, then about 600 ms.
    assertThat(first).isBetween(280L, 1_300L);
    assertThat(second).isBetween(580L, 1_800L);
    assertThat(second).isGreaterThan(first);
    await().during(Duration.ofMillis(700)).atMost(3, SECONDS).until(() -> calls.size() == 3);
    assertThat(service.getBean(QueueService.class).deadLetterCount(backoff)).isZero();
  }

  @Test
  void aQueueWithoutConcurrencyDeliversTheDefaultNumberAtOnce() throws Exception {
    String fn = fn("wide");
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger handled = new AtomicInteger();
    client.registerFunction(fn, held(release, running, handled));
    List<CompletableFuture<String>> sent = new ArrayList<>();
    for (int i = 0; i < QueueProperties.DEFAULT_CONCURRENCY + 6; i++) {
      sent.add(client.enqueue(wide, fn, SerdeTrees.sdk(json("n", i))));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(20, SECONDS);

    await().atMost(20, SECONDS).until(() -> running.get() == QueueProperties.DEFAULT_CONCURRENCY);
    await()
        .during(Duration.ofMillis(500))
        .atMost(2, SECONDS)
        .until(() -> running.get() == QueueProperties.DEFAULT_CONCURRENCY);
    release.countDown();
    await()
        .atMost(20, SECONDS)
        .until(() -> handled.get() == QueueProperties.DEFAULT_CONCURRENCY + 6);
  }

  @Test
  void theDepthGaugeCountsMessagesWaitingAndInFlight() throws Exception {
    String fn = fn("held");
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger handled = new AtomicInteger();
    client.registerFunction(fn, held(release, new AtomicInteger(), handled));
    QueueMetrics metrics = service.getBean(QueueMetrics.class);
    metrics.refresh();
    double before = gauge("iii.queue.depth", plain);
    // Six messages, four taken at once (concurrency 4), none handled yet.
    for (int i = 0; i < 6; i++) {
      client.enqueue(plain, fn, SerdeTrees.sdk(json("n", i))).get(10, SECONDS);
    }
    metrics.refresh();
    assertThat(gauge("iii.queue.depth", plain) - before).isEqualTo(6.0);
    release.countDown();
    await().atMost(15, SECONDS).until(() -> handled.get() == 6);
    await()
        .atMost(15, SECONDS)
        .untilAsserted(
            () -> {
              metrics.refresh();
              assertThat(gauge("iii.queue.depth", plain)).isZero();
            });
  }

  private double gauge(String name, String queue) {
    Gauge gauge =
        service
            .getBean(MeterRegistry.class)
            .find(name)
            .tags("queue", queue, "kind", "queue")
            .gauge();
    assertThat(gauge).as(name + " of " + queue).isNotNull();
    return gauge.value();
  }

  @Test
  void alwaysFailingLandsInTheDeadLetterTopicAndIsListedRedrivenAndDiscarded() throws Exception {
    String fn = fn("broken");
    AtomicBoolean fixed = new AtomicBoolean();
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    List<JsonNode> succeeded = new CopyOnWriteArrayList<>();
    client.registerFunction(
        fn,
        FunctionHandler.sync(
            in -> {
              String id = in.get("id").textValue();
              attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
              if (!fixed.get()) {
                throw new FunctionException("boom", "cannot handle " + id);
              }
              succeeded.add(stripCaller(SerdeTrees.serde(in)));
              return null;
            }));
    long before = System.currentTimeMillis() / 1000;

    String receipt = client.enqueue(dead, fn, SerdeTrees.sdk(json("id", "m1"))).get(10, SECONDS);

    await().atMost(15, SECONDS).until(() -> dlqCount(dead) == 1);
    assertThat(attempts.get("m1")).hasValue(2);
    // The Prometheus gauge shows it.
    service.getBean(QueueMetrics.class).refresh();
    assertThat(gauge("iii.queue.dead.letters", dead)).isEqualTo(1.0);
    // The record is on the queue's dead-letter topic in Kafka.
    String dlqTopic =
        service.getBean(KafkaQueueBackend.class).topicsOf(Destination.queue(dead)).get(2);
    List<String> raw = readTopic(dlqTopic);
    assertThat(raw).hasSize(1);
    assertThat(raw.get(0))
        .contains("\"attempts_made\":2")
        .contains("boom: cannot handle m1")
        .contains(receipt);
    // Listed through the function, with the spec's fields.
    JsonNode list = call("engine::queue::dlq_messages", json("topic", dead));
    assertThat(list.size()).isEqualTo(1);
    JsonNode entry = list.get(0);
    assertThat(stripCaller(entry.get("payload"))).isEqualTo(json("id", "m1"));
    assertThat(entry.get("retries").getIntValue()).isEqualTo(2);
    assertThat(entry.get("error").getStringValue()).isEqualTo("boom: cannot handle m1");
    assertThat(entry.get("failed_at").getLongValue()).isGreaterThanOrEqualTo(before);
    assertThat(entry.get("size_bytes").getLongValue()).isPositive();
    String id = entry.get("id").getStringValue();
    assertThat(id).isNotEqualTo(receipt);

    // Redrive one after the fix: it runs again, with a fresh attempt count, and succeeds.
    fixed.set(true);
    JsonNode redriven = call("iii::queue::redrive_message", json("queue", dead, "message_id", id));
    assertThat(redriven).isEqualTo(json("queue", dead, "message_id", id, "redriven", 1));
    await().atMost(10, SECONDS).until(() -> succeeded.size() == 1);
    assertThat(dlqCount(dead)).isZero();
    JsonNode again = call("iii::queue::redrive_message", json("queue", dead, "message_id", id));
    assertThat(again.get("redriven").getIntValue()).isZero();

    // Two more failures, then redrive all.
    fixed.set(false);
    client.enqueue(dead, fn, SerdeTrees.sdk(json("id", "m2"))).get(10, SECONDS);
    client.enqueue(dead, fn, SerdeTrees.sdk(json("id", "m3"))).get(10, SECONDS);
    await().atMost(15, SECONDS).until(() -> dlqCount(dead) == 2);
    // Paging: newest first, one per page.
    JsonNode page2 =
        call("engine::queue::dlq_messages", json("queue", dead, "offset", 1, "limit", 1));
    assertThat(page2.size()).isEqualTo(1);
    fixed.set(true);
    assertThat(
            client
                .call("iii::queue::redrive", SerdeTrees.sdk(json("queue", dead)))
                .get(10, SECONDS))
        .isEqualTo(SerdeTrees.sdk(json("queue", dead, "redriven", 2)));
    await().atMost(10, SECONDS).until(() -> succeeded.size() == 3);
    assertThat(attempts.get("m2")).hasValue(3);

    // Discard: gone for good, never delivered again.
    fixed.set(false);
    client.enqueue(dead, fn, SerdeTrees.sdk(json("id", "m4"))).get(10, SECONDS);
    await().atMost(15, SECONDS).until(() -> dlqCount(dead) == 1);
    String m4 =
        client
            .call("engine::queue::dlq_messages", SerdeTrees.sdk(json("topic", dead)))
            .get(10, SECONDS)
            .get(0)
            .get("id")
            .textValue();
    JsonNode discarded = call("iii::queue::discard_message", json("queue", dead, "message_id", m4));
    assertThat(discarded.get("redriven").getIntValue()).isEqualTo(1);
    assertThat(dlqCount(dead)).isZero();
    assertThat(attempts.get("m4")).hasValue(2);
    JsonNode stats = call("engine::queue::topic_stats", json("topic", dead));
    assertThat(stats.get("dlq_depth").getLongValue()).isZero();
  }

  @Test
  void durablePublishFansOutToEverySubscribedFunction() throws Exception {
    String topic = "orders.created." + UUID.randomUUID();
    String fnA = fn("sub-a");
    String fnB = fn("sub-b");
    List<JsonNode> gotA = new CopyOnWriteArrayList<>();
    List<JsonNode> gotB = new CopyOnWriteArrayList<>();
    EngineWorker subscriber = gateway.worker("subscriber");
    subscriber.registerFunction(
        fnA,
        FunctionHandler.sync(
            in -> {
              gotA.add(stripCaller(SerdeTrees.serde(in)));
              return null;
            }));
    subscriber.registerFunction(
        fnB,
        FunctionHandler.sync(
            in -> {
              gotB.add(stripCaller(SerdeTrees.serde(in)));
              return null;
            }));
    subscriber.registerTrigger("durable:subscriber", fnA, SerdeTrees.sdk(json("topic", topic)));
    subscriber.registerTrigger("durable:subscriber", fnB, SerdeTrees.sdk(json("topic", topic)));
    subscriber.start().get(10, SECONDS);
    await()
        .atMost(15, SECONDS)
        .until(
            () -> service.getBean(QueueService.class).subscribedTopics().get(topic), n -> n == 2);

    for (int i = 0; i < 20; i++) {
      assertThat(
              client
                  .call(
                      "iii::durable::publish",
                      SerdeTrees.sdk(json("topic", topic, "data", json("seq", i))))
                  .get(10, SECONDS))
          .isNull();
    }

    await().atMost(15, SECONDS).until(() -> gotA.size() >= 20 && gotB.size() >= 20);
    await().during(Duration.ofMillis(500)).atMost(2, SECONDS).until(() -> gotA.size() == 20);
    assertThat(gotB).hasSize(20);
    assertThat(seqs(gotA)).containsExactlyInAnyOrderElementsOf(range(20));
    assertThat(seqs(gotB)).containsExactlyInAnyOrderElementsOf(range(20));
    JsonNode topics = call("engine::queue::list_topics", json());
    List<String> names = new ArrayList<>();
    topics.values().forEach(t -> names.add(t.get("name").getStringValue()));
    assertThat(names).contains(topic, plain, "default");
    assertThatThrownBy(
            () ->
                client
                    .call(
                        "iii::durable::publish", SerdeTrees.sdk(json("topic", "", "data", json())))
                    .get(10, SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            WorkerException.Remote.class, e -> assertThat(e.code()).isEqualTo("topic_not_set"));
  }

  @Test
  void fifoOrderWithinAGroupHoldsUnderRetriesWhileOtherGroupsMoveOn() throws Exception {
    String fn = fn("fifo");
    Map<String, List<Integer>> attemptsByGroup = new ConcurrentHashMap<>();
    Map<String, List<Integer>> doneByGroup = new ConcurrentHashMap<>();
    AtomicInteger a2Failures = new AtomicInteger();
    List<String> timeline = Collections.synchronizedList(new ArrayList<>());
    client.registerFunction(
        fn,
        FunctionHandler.sync(
            in -> {
              String g = in.get("g").textValue();
              int seq = in.get("seq").intValue();
              attemptsByGroup.computeIfAbsent(g, k -> new CopyOnWriteArrayList<>()).add(seq);
              if (g.equals("A") && seq == 2 && a2Failures.incrementAndGet() <= 2) {
                throw new FunctionException("flaky", "A2 fails");
              }
              doneByGroup.computeIfAbsent(g, k -> new CopyOnWriteArrayList<>()).add(seq);
              timeline.add(g + seq);
              return null;
            }));

    for (int seq = 1; seq <= 5; seq++) {
      client.enqueue(fifo, fn, SerdeTrees.sdk(json("g", "A", "seq", seq))).get(10, SECONDS);
      client.enqueue(fifo, fn, SerdeTrees.sdk(json("g", "B", "seq", seq))).get(10, SECONDS);
    }

    await()
        .atMost(20, SECONDS)
        .until(
            () ->
                doneByGroup.getOrDefault("A", List.of()).size() == 5
                    && doneByGroup.getOrDefault("B", List.of()).size() == 5);
    assertThat(doneByGroup.get("A")).containsExactly(1, 2, 3, 4, 5);
    assertThat(doneByGroup.get("B")).containsExactly(1, 2, 3, 4, 5);
    // A3 was not even attempted before A2 succeeded: the failing message blocked its group.
    assertThat(attemptsByGroup.get("A")).containsExactly(1, 2, 2, 2, 3, 4, 5);
    // ... and only its group: B finished while A2 was waiting out its backoff.
    assertThat(timeline.indexOf("B5")).isLessThan(timeline.indexOf("A2"));
  }

  private long dlqCount(String queue) throws Exception {
    return client
        .call("engine::queue::dlq_count", SerdeTrees.sdk(json("queue", queue)))
        .get(10, SECONDS)
        .get("count")
        .longValue();
  }

  /** Calls {@code functionId} through the gateway with a Serde tree; the answer as one. */
  private JsonNode call(String functionId, JsonNode input) throws Exception {
    return SerdeTrees.serde(client.call(functionId, SerdeTrees.sdk(input)).get(10, SECONDS));
  }

  private static List<Integer> seqs(List<JsonNode> got) {
    return got.stream().map(n -> n.get("seq").getIntValue()).toList();
  }

  private static List<Integer> range(int n) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    return all;
  }

  private static List<String> readTopic(String topic) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaFixture.instance().bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(10, SECONDS)
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  values.add(r.value());
                }
                return !values.isEmpty();
              });
    }
    return values;
  }
}

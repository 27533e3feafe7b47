package dev.iii4j.queue;

import static dev.iii4j.queue.QueueTestSupport.json;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.KafkaFixture;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.ConsumerGroupState;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two replicas of the queue service in one consumer group; one is stopped while the queue is being
 * drained. Every message must be processed at least once; duplicates are counted and reported.
 *
 * <p>The count is the 10,000; {@code -Dqueue.bulk.count=N} changes it.
 */
class QueueReplicasTest {
  private static final Logger LOG = LoggerFactory.getLogger(QueueReplicasTest.class);
  private static final int COUNT = Integer.getInteger("queue.bulk.count", 10_000);

  @Test
  void everyMessageIsProcessedAtLeastOnceWhenAReplicaStopsMidway() throws Exception {
    String prefix = QueueTestSupport.prefix();
    Map<String, Object> queues =
        Map.of(
            "engine.queues.bulk.concurrency", 32,
            "engine.queues.bulk.partitions", 6,
            "engine.queues.bulk.backoff-ms", 100);
    try (GatewayHarness gateway = GatewayHarness.start()) {
      ApplicationContext replicaA = QueueTestSupport.startService(gateway, prefix, queues);
      ApplicationContext replicaB = QueueTestSupport.startService(gateway, prefix, queues);
      try {
        EngineWorker client = gateway.worker("bulk-client");
        String fn = "test::bulk-" + UUID.randomUUID();
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> byReplica = new ConcurrentHashMap<>();
        AtomicInteger deliveries = new AtomicInteger();
        AtomicLong lastDelivery = new AtomicLong();
        client.registerFunction(
            fn,
            FunctionHandler.sync(
                in -> {
                  seen.computeIfAbsent(in.get("id").textValue(), k -> new AtomicInteger())
                      .incrementAndGet();
                  JsonNode caller = SerdeTrees.serde(in.get("_caller_worker_id"));
                  byReplica
                      .computeIfAbsent(
                          caller == null ? "?" : caller.getStringValue(), k -> new AtomicInteger())
                      .incrementAndGet();
                  deliveries.incrementAndGet();
                  lastDelivery.set(System.nanoTime());
                  return null;
                }));
        client.start().get(10, SECONDS);
        QueueTestSupport.awaitReady(client);
        awaitGroupMembers(prefix + "queue.bulk", 2);

        // Enqueue from a background thread, 256 at a time; a failed enqueue (its replica went
        // away mid-call) is sent again, as a caller would.
        AtomicInteger enqueueRetries = new AtomicInteger();
        AtomicLong enqueuedAt = new AtomicLong();
        long start = System.nanoTime();
        Thread producer =
            Thread.ofVirtual()
                .start(
                    () -> {
                      Semaphore window = new Semaphore(256);
                      for (int i = 0; i < COUNT; i++) {
                        window.acquireUninterruptibly();
                        enqueue(client, fn, "m" + i, window, enqueueRetries);
                      }
                      window.acquireUninterruptibly(256);
                      enqueuedAt.set(System.nanoTime());
                    });

        await()
            .atMost(60, SECONDS)
            .pollInterval(Duration.ofMillis(5))
            .until(() -> seen.size() >= COUNT / 3);
        assertThat(byReplica).as("both replicas deliver before one stops").hasSize(2);
        long stopping = System.nanoTime();
        int seenAtStop = seen.size();
        assertThat(seenAtStop).as("replica A stops while messages are left").isLessThan(COUNT);
        replicaA.close();
        LOG.info(
            "replica A stopped at {} (after the stop: {}) of {} messages in {} ms",
            seenAtStop,
            seen.size(),
            COUNT,
            (System.nanoTime() - stopping) / 1_000_000);

        await()
            .atMost(120, SECONDS)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> seen.size() == COUNT);
        producer.join(Duration.ofSeconds(30));
        for (int i = 0; i < COUNT; i++) {
          assertThat(seen.get("m" + i)).as("message m%d", i).isNotNull();
        }
        int duplicates = deliveries.get() - COUNT;
        double seconds = (lastDelivery.get() - start) / 1e9;
        double enqueueSeconds = (enqueuedAt.get() - start) / 1e9;
        LOG.info(
            "bulk: {} messages, {} deliveries, {} duplicates, {} enqueue retries; enqueued in"
                + " {} s ({} msg/s), all processed in {} s ({} msg/s); deliveries per replica"
                + " {}",
            COUNT,
            deliveries.get(),
            duplicates,
            enqueueRetries.get(),
            String.format("%.2f", enqueueSeconds),
            String.format("%.0f", COUNT / enqueueSeconds),
            String.format("%.2f", seconds),
            String.format("%.0f", COUNT / seconds),
            byReplica);
        assertThat(duplicates).isGreaterThanOrEqualTo(0);
        assertThat(
                client
                    .call("engine::queue::dlq_count", SerdeTrees.sdk(json("queue", "bulk")))
                    .get(10, SECONDS)
                    .get("count")
                    .longValue())
            .isZero();
      } finally {
        replicaA.close();
        replicaB.close();
      }
    }
  }

  /** Waits until the consumer group is stable with the given number of members. */
  private static void awaitGroupMembers(String group, int members) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaFixture.instance().bootstrapServers()))) {
      await("group " + group + " has " + members + " members")
          .atMost(30, SECONDS)
          .until(
              () -> {
                ConsumerGroupDescription d =
                    admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                return d.state() == ConsumerGroupState.STABLE
                    && d.members().size() == members
                    && d.members().stream()
                        .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
              });
    }
  }

  private static void enqueue(
      EngineWorker client, String fn, String id, Semaphore window, AtomicInteger retries) {
    client
        .enqueue("bulk", fn, SerdeTrees.sdk(json("id", id)))
        .whenComplete(
            (receipt, error) -> {
              if (error == null) {
                window.release();
              } else {
                retries.incrementAndGet();
                enqueue(client, fn, id, window, retries);
              }
            });
  }
}

package dev.iii4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * B5: enqueue to handled. Ours: a Java SDK caller enqueues to the {@code default} queue (the
 * gateway hands it to queue-service, which writes it to Kafka with acks=all before it answers), and
 * queue-service delivers each message through the gateway to a Java SDK worker; with one and with
 * two queue-service replicas. Floor: a raw Kafka producer (acks=all, idempotent, the same linger as
 * queue-service) to a raw consumer on the same broker, same partition count, same window of
 * unacknowledged sends, records of about the size of queue-service's. Each measured batch comes
 * after a warm-up of at least {@link Options#queueWarmupTime()}, the floor's as well as ours.
 */
final class QueueBenchmarks {
  private static final int WINDOW = 64;
  private static final int PARTITIONS = 3;
  private static final int RECORD_BYTES = 320;
  private static final String GROUP = "iii.queue.default";

  /** The index a warm-up message carries; the handler counts them apart. */
  private static final int WARM_UP = -2;

  private final Stack stack;
  private final Options options;
  private final Report report;

  /** Throughput (messages per second) and latency of one measured batch. */
  record Outcome(double perSecond, Stats latency) {}

  QueueBenchmarks(Stack stack, Options options, Report report) {
    this.stack = stack;
    this.options = options;
    this.report = report;
  }

  void run() throws Exception {
    Stack.Infra infra = stack.infra();
    Outcome floor = floor(infra.kafka());
    Stack.Service first = stack.startQueue(1);
    Stack.Service second = null;
    try {
      awaitGroupMembers(infra.kafka(), 1);
      Outcome one = ours(1, 0);
      add("1 replica", one, floor);
      addOpenLoop("1 replica", one.perSecond() / 2, ours(1, one.perSecond() / 2));
      second = stack.startQueue(2);
      awaitGroupMembers(infra.kafka(), 2);
      Outcome two = ours(2, 0);
      add("2 replicas", two, floor);
      addOpenLoop("2 replicas", two.perSecond() / 2, ours(2, two.perSecond() / 2));
    } finally {
      if (second != null) {
        stack.stop(second);
      }
      stack.stop(first);
    }
  }

  private void add(String replicas, Outcome ours, Outcome floor) {
    report.add(
        Row.vsFloor(
                "B5",
                "enqueue → handled msgs/s, " + replicas,
                Unit.PER_SECOND,
                ours.perSecond(),
                floor.perSecond(),
                Goal.ratioAtLeast(0.5))
            .withNote(
                String.format(
                    Locale.ROOT,
                    "%d messages, %d enqueues in flight, after a warm-up of at least %d s (ours"
                        + " and the floor alike); floor: raw producer (acks=all, idempotent, linger"
                        + " 1 ms) → raw consumer, %d partitions",
                    options.queueMessages(),
                    WINDOW,
                    options.queueWarmupTime().toSeconds(),
                    PARTITIONS)));
    report.add(
        Row.vsFloor(
                "B5",
                "enqueue → handled latency p50 under that load, " + replicas,
                Unit.MILLIS,
                ours.latency().p50() / 1e6,
                floor.latency().p50() / 1e6,
                Goal.none())
            .withNote(
                String.format(
                    Locale.ROOT,
                    "p99 ours %s, floor %s",
                    Unit.MILLIS.format(ours.latency().p99() / 1e6),
                    Unit.MILLIS.format(floor.latency().p99() / 1e6))));
  }

  /** The latency row of an open-loop run at {@code rate} (half the measured maximum). */
  private void addOpenLoop(String replicas, double rate, Outcome outcome) {
    report.add(
        Row.alone(
                "B5",
                "enqueue → handled latency p50 at half the maximum rate (open loop), " + replicas,
                Unit.MILLIS,
                outcome.latency().p50() / 1e6,
                Goal.valueAtMost(50))
            .withNote(
                String.format(
                    Locale.ROOT,
                    "%.0f msgs/s offered on a fixed schedule, %.0f handled; latency from each"
                        + " message's scheduled send time; p99 %s",
                    rate,
                    outcome.perSecond(),
                    Unit.MILLIS.format(outcome.latency().p99() / 1e6))));
  }

  /**
   * One measured batch through queue-service. {@code rate} 0 is the closed loop (at most {@link
   * #WINDOW} enqueues unanswered: the maximum rate); above 0, the open loop: messages are sent on a
   * fixed schedule of {@code rate} per second whatever the answers, and each latency counts from
   * the message's scheduled time, so a backlog shows in the figure instead of slowing the sender.
   */
  private Outcome ours(int replicas, double rate) throws Exception {
    String fn = "bench::queue::" + replicas + "-" + suffix();
    int warm = options.queueWarmup();
    int count = options.queueMessages();
    AtomicIntegerArray seen = new AtomicIntegerArray(count);
    long[] latency = new long[count];
    AtomicLong lastHandled = new AtomicLong();
    Semaphore warmed = new Semaphore(0);
    CountDownLatch handled = new CountDownLatch(count);
    Stack.Service gw = stack.gateway();
    EngineWorker worker = Workers.create(gw.wsUrl(), "bench-queue-worker");
    worker.registerFunction(
        fn,
        FunctionHandler.sync(
            in -> {
              long now = System.nanoTime();
              int i = in.get("i").intValue();
              if (i == WARM_UP) {
                warmed.release();
              } else if (i >= 0 && seen.compareAndSet(i, 0, 1)) {
                latency[i] = now - in.get("t").longValue();
                lastHandled.accumulateAndGet(now, Math::max);
                handled.countDown();
              }
              return null;
            }));
    worker.start().get(60, TimeUnit.SECONDS);
    EngineWorker caller = Workers.started(gw.wsUrl(), "bench-queue-caller");
    try {
      Workers.awaitCallable(caller, fn, Json.object("i", -1, "t", 0));
      awaitEnqueue(caller, fn);
      // Rounds of warm-up messages until the warm-up time passed: the service JVMs are fresh
      // processes, and a fixed count ends while their JIT is still compiling the hot path.
      long warmUntil = System.nanoTime() + options.queueWarmupTime().toNanos();
      do {
        send(caller, fn, WARM_UP, warm);
        if (!warmed.tryAcquire(warm, 5, TimeUnit.MINUTES)) {
          throw new IllegalStateException("warm-up messages never handled");
        }
      } while (System.nanoTime() < warmUntil);
      long t0 = System.nanoTime();
      if (rate > 0) {
        sendAtRate(caller, fn, 0, count, rate);
      } else {
        send(caller, fn, 0, count);
      }
      if (!handled.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException(handled.getCount() + " messages never handled");
      }
      double seconds = (lastHandled.get() - t0) / 1e9;
      return new Outcome(count / seconds, Stats.of(latency));
    } finally {
      caller.close();
      worker.close();
    }
  }

  private static void awaitEnqueue(EngineWorker caller, String fn) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        caller.enqueue("default", fn, Json.object("i", -1, "t", 0)).get(30, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        last = e;
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("enqueue never succeeded: " + last, last);
  }

  /**
   * Closed loop: {@code count} messages, at most {@link #WINDOW} unanswered; message {@code k}
   * carries index {@code from + k}, or {@link #WARM_UP} for all when {@code from} is {@link
   * #WARM_UP}.
   */
  private static void send(EngineWorker caller, String fn, int from, int count) throws Exception {
    Semaphore window = new Semaphore(WINDOW);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int k = 0; k < count; k++) {
      int i = from == WARM_UP ? WARM_UP : from + k;
      window.acquire();
      if (failure.get() != null) {
        throw new IllegalStateException("enqueue failed: " + failure.get(), failure.get());
      }
      JsonNode data = Json.object("i", i, "t", System.nanoTime());
      CompletableFuture<String> f = caller.enqueue("default", fn, data);
      f.whenComplete(
          (id, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
            window.release();
          });
    }
    if (!window.tryAcquire(WINDOW, 5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("enqueues still unanswered after 5 minutes");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("enqueue failed: " + failure.get(), failure.get());
    }
  }

  /** Open loop: message {@code i} leaves at {@code start + i / rate}, answered or not. */
  private static void sendAtRate(EngineWorker caller, String fn, int from, int count, double rate)
      throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong unanswered = new AtomicLong();
    long start = System.nanoTime();
    double interval = 1e9 / rate;
    for (int k = 0; k < count; k++) {
      long scheduled = start + (long) (k * interval);
      long wait;
      while ((wait = scheduled - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      if (failure.get() != null) {
        throw new IllegalStateException("enqueue failed: " + failure.get(), failure.get());
      }
      unanswered.incrementAndGet();
      caller
          .enqueue("default", fn, Json.object("i", from + k, "t", scheduled))
          .whenComplete(
              (id, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                }
                unanswered.decrementAndGet();
              });
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (unanswered.get() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("enqueues still unanswered after 5 minutes");
      }
      Thread.sleep(10);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("enqueue failed: " + failure.get(), failure.get());
    }
  }

  private Outcome floor(String bootstrap) throws Exception {
    String topic = "bench-floor-" + suffix();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(PARTITIONS), Optional.empty())))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
    int warm = options.queueWarmup();
    int count = options.queueMessages();
    long[] latency = new long[count];
    AtomicIntegerArray seen = new AtomicIntegerArray(count);
    AtomicLong lastHandled = new AtomicLong();
    Semaphore warmed = new Semaphore(0);
    CountDownLatch handled = new CountDownLatch(count);
    CountDownLatch assigned = new CountDownLatch(1);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
    Thread consumer =
        Thread.ofPlatform()
            .name("bench-floor-consumer")
            .start(
                () -> {
                  try (KafkaConsumer<String, String> c =
                      new KafkaConsumer<>(
                          Map.of(
                              ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                              bootstrap,
                              ConsumerConfig.GROUP_ID_CONFIG,
                              topic,
                              ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                              "earliest",
                              ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                              false),
                          new StringDeserializer(),
                          new StringDeserializer())) {
                    c.subscribe(List.of(topic));
                    while (!stop.get()) {
                      ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(100));
                      if (!c.assignment().isEmpty()) {
                        assigned.countDown();
                      }
                      for (ConsumerRecord<String, String> r : records) {
                        long now = System.nanoTime();
                        String v = r.value();
                        int comma = v.indexOf(',');
                        int i = Integer.parseInt(v.substring(0, comma));
                        long t = Long.parseLong(v.substring(comma + 1, v.indexOf(',', comma + 1)));
                        if (i == WARM_UP) {
                          warmed.release();
                        } else if (seen.compareAndSet(i, 0, 1)) {
                          latency[i] = now - t;
                          lastHandled.accumulateAndGet(now, Math::max);
                          handled.countDown();
                        }
                      }
                      if (!records.isEmpty()) {
                        c.commitAsync();
                      }
                    }
                  } catch (RuntimeException e) {
                    consumerFailure.set(e);
                  }
                });
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                1),
            new StringSerializer(),
            new StringSerializer())) {
      if (!assigned.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the floor consumer got no partitions");
      }
      // The same warm-up as ours: rounds until the warm-up time passed.
      long warmUntil = System.nanoTime() + options.queueWarmupTime().toNanos();
      do {
        produce(producer, topic, WARM_UP, warm);
        if (!warmed.tryAcquire(warm, 5, TimeUnit.MINUTES)) {
          throw new IllegalStateException("floor: warm-up records never consumed");
        }
      } while (System.nanoTime() < warmUntil);
      long t0 = System.nanoTime();
      produce(producer, topic, 0, count);
      if (!handled.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("floor: " + handled.getCount() + " records not consumed");
      }
      double seconds = (lastHandled.get() - t0) / 1e9;
      return new Outcome(count / seconds, Stats.of(latency));
    } finally {
      stop.set(true);
      consumer.join(30_000);
      if (consumerFailure.get() != null) {
        throw new IllegalStateException("floor consumer failed", consumerFailure.get());
      }
    }
  }

  /** {@code n} records keyed {@code from + k}, or warm-up records when {@code from} is WARM_UP. */
  private static void produce(KafkaProducer<String, String> producer, String topic, int from, int n)
      throws InterruptedException {
    Semaphore window = new Semaphore(WINDOW);
    AtomicReference<Exception> failure = new AtomicReference<>();
    String pad = "x".repeat(RECORD_BYTES);
    for (int k = 0; k < n; k++) {
      int i = from == WARM_UP ? WARM_UP : from + k;
      window.acquire();
      if (failure.get() != null) {
        throw new IllegalStateException("floor produce failed", failure.get());
      }
      String value = i + "," + System.nanoTime() + "," + pad;
      producer.send(
          new ProducerRecord<>(topic, Integer.toString(from == WARM_UP ? k : i), value),
          (meta, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
            window.release();
          });
    }
    if (!window.tryAcquire(WINDOW, 5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("floor sends unacknowledged after 5 minutes");
    }
  }

  /** Waits until queue-service's consumer group of the default queue has {@code n} members. */
  private static void awaitGroupMembers(String bootstrap, int n) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (System.nanoTime() < deadline) {
        ConsumerGroupDescription d =
            admin.describeConsumerGroups(List.of(GROUP)).all().get(30, TimeUnit.SECONDS).get(GROUP);
        long assignedMembers =
            d.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
        if (d.members().size() == n && assignedMembers == n) {
          return;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("consumer group " + GROUP + " never had " + n + " members");
    }
  }

  private static String suffix() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  }
}

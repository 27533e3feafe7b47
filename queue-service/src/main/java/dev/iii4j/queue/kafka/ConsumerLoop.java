package dev.iii4j.queue.kafka;

import dev.iii4j.queue.Consumer;
import dev.iii4j.queue.DeadLetter;
import dev.iii4j.queue.DeliveryHandler;
import dev.iii4j.queue.Destination;
import dev.iii4j.queue.Failure;
import dev.iii4j.queue.Job;
import dev.iii4j.queue.QueueBackend;
import dev.iii4j.queue.Verdict;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a consumer group: a platform thread that owns a {@link KafkaConsumer} of a
 * destination's main and retry topics, hands records to the {@link DeliveryHandler}, carries out
 * the verdicts, and commits each partition up to its oldest unfinished record.
 *
 * <p>Everything but {@link #close()} and the completion callbacks runs on the loop thread;
 * callbacks only enqueue an event, so the consumer is never touched from two threads. A callback
 * wakes the consumer's poll up only when the loop has work waiting for the slot it frees (messages
 * held back by {@code concurrency} or by a busy FIFO group), at most once per poll; otherwise the
 * event waits for the poll to return, which it does within {@link #COMMIT_INTERVAL_MS} while
 * anything is uncommitted.
 *
 * <p>Commits: each partition's position (never past its oldest unfinished record) is committed
 * asynchronously in batches, once {@link #COMMIT_INTERVAL_MS} passed since the last commit or
 * {@link #COMMIT_BATCH} records finished since then, and synchronously before partitions are given
 * up in a rebalance and when the consumer closes. A crash redelivers at most what finished since
 * the last commit (at-least-once, as before).
 *
 * <p>Retries: a standard consumer writes a failed message to the retry topic with its due time and
 * commits the original, so a failing message never holds up the others. An ordered (FIFO) consumer
 * keeps the failed message in memory and retries it in place when due; its group stays blocked (and
 * only its group), which keeps the documented per-group order that the reference breaks.
 */
final class ConsumerLoop implements QueueBackend.Consumption, ConsumerRebalanceListener {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);

  /** How far before its start a new subscription looks for copies addressed to it. */
  static final Duration SUBSCRIPTION_START_GRACE = Duration.ofSeconds(30);

  private static final long REDO_DELAY_MS = 1000;

  /** The longest a finished record waits for its offset commit. */
  static final long COMMIT_INTERVAL_MS = 100;

  /** Finished records that trigger a commit before {@link #COMMIT_INTERVAL_MS}. */
  static final int COMMIT_BATCH = 500;

  private final Consumer spec;
  private final DeliveryHandler handler;
  private final KafkaQueueBackend backend;
  private final KafkaConsumer<String, byte[]> kafka;
  private final String mainTopic;
  private final String retryTopic;
  private final String deadLetterTopic;
  private final long startedAt = System.currentTimeMillis();
  private final Duration stopTimeout;
  private final int maxBuffered;
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean polling = new AtomicBoolean();

  /** Whether messages wait for a free delivery slot: a completion then wakes the poll up. */
  private volatile boolean starved;

  /** Whether a completion already woke the current poll up. */
  private final AtomicBoolean woken = new AtomicBoolean();

  private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();

  // Loop-thread state.
  private final Map<TopicPartition, Offsets> owned = new HashMap<>();
  private final ArrayDeque<Pending> ready = new ArrayDeque<>();
  private final ArrayDeque<Pending> due = new ArrayDeque<>();
  private final PriorityQueue<Pending> delayed =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueAt, b.dueAt));
  private final Map<String, ArrayDeque<Pending>> groups = new HashMap<>();
  private final ArrayDeque<String> runnableGroups = new ArrayDeque<>();

  /** Per group, the message in flight or waiting for its retry: the group is blocked by it. */
  private final Map<String, Pending> heads = new HashMap<>();

  private int queuedInGroups;
  private int inFlight;
  private long lastCommit = System.currentTimeMillis();
  private int finishedSinceCommit;

  ConsumerLoop(
      Consumer spec,
      DeliveryHandler handler,
      KafkaQueueBackend backend,
      KafkaConsumer<String, byte[]> kafka,
      TopicNames names,
      Duration stopTimeout,
      int maxBuffered) {
    this.spec = spec;
    this.handler = handler;
    this.backend = backend;
    this.kafka = kafka;
    Destination d = spec.destination();
    this.mainTopic = names.main(d);
    this.retryTopic = names.retry(d);
    this.deadLetterTopic = names.deadLetters(d);
    this.stopTimeout = stopTimeout;
    this.maxBuffered = maxBuffered;
    String label =
        "queue-consumer-" + d.name() + (spec.functionId() == null ? "" : "-" + spec.functionId());
    this.thread = Thread.ofPlatform().name(label).daemon().unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  @Override
  public void close() {
    if (!running.compareAndSet(true, false)) {
      return;
    }
    kafka.wakeup();
    try {
      thread.join(stopTimeout.plusSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    backend.forget(this);
  }

  private void run() {
    try {
      kafka.subscribe(List.of(mainTopic, retryTopic), this);
      while (running.get()) {
        try {
          step();
        } catch (WakeupException e) {
          // close() or a completion woke a blocking call up; the loop looks again.
        } catch (KafkaException e) {
          LOG.warn("consumer of {} failed; continuing", describe(), e);
          awaitEvents(spec.pollInterval().toMillis());
        }
      }
      drain();
    } catch (RuntimeException e) {
      LOG.error("consumer of {} stopped", describe(), e);
    } finally {
      try {
        kafka.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.debug("closing the consumer of {} failed", describe(), e);
      }
    }
  }

  private void step() {
    runEvents();
    promoteDue();
    dispatch();
    applyBackpressure();
    maybeCommit();
    ConsumerRecords<String, byte[]> records;
    starved = !ready.isEmpty() || !due.isEmpty() || queuedInGroups > 0;
    woken.set(false);
    polling.set(true);
    try {
      // Checked after raising the flag: an event posted before it was raised is seen here, one
      // posted after it wakes the poll up when it frees a slot that work waits for.
      long timeout = starved && !events.isEmpty() ? 0 : pollTimeout();
      records = kafka.poll(Duration.ofMillis(timeout));
    } finally {
      polling.set(false);
    }
    for (ConsumerRecord<String, byte[]> record : records) {
      accept(record);
    }
  }

  private long pollTimeout() {
    long timeout = spec.pollInterval().toMillis();
    if (inFlight > 0 || finishedSinceCommit > 0 || !events.isEmpty()) {
      // Completions do not wake an idle poll up: come back in time to commit them.
      timeout = Math.min(timeout, COMMIT_INTERVAL_MS);
    }
    Pending next = delayed.peek();
    if (next != null) {
      timeout = Math.min(timeout, Math.max(0, next.dueAt - System.currentTimeMillis()));
    }
    return timeout;
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    Offsets offsets = owned.get(tp);
    if (offsets == null) {
      return;
    }
    offsets.fetched(record.offset());
    String fn = RecordCodec.text(record.headers(), RecordCodec.FUNCTION_HEADER);
    if (spec.functionId() != null && !spec.functionId().equals(fn)) {
      // A copy for another subscriber of the topic.
      offsets.done(record.offset());
      finishedSinceCommit++;
      return;
    }
    if (record.value() == null) {
      offsets.done(record.offset());
      finishedSinceCommit++;
      return;
    }
    Job job;
    Verdict.DeadLettered corrupt = null;
    try {
      job = backend.codec().job(record.value());
    } catch (IOException | RuntimeException e) {
      job = corruptJob(record, fn);
      Failure f = Failure.protocol("undecodable record " + tp + "@" + record.offset() + ": " + e);
      corrupt = new Verdict.DeadLettered(job.failedOnce(f.describe()), f.describe());
    }
    String group =
        corrupt != null
            ? tp + "@" + record.offset()
            : job.groupId() != null ? job.groupId() : spec.ordered() ? "" : job.id();
    Pending p = new Pending(tp, record.offset(), offsets, group, job);
    p.redo = corrupt;
    long dueAt =
        record.topic().equals(retryTopic)
            ? RecordCodec.number(record.headers(), RecordCodec.DUE_HEADER, 0)
            : 0;
    if (dueAt > System.currentTimeMillis()) {
      p.dueAt = dueAt;
      delayed.add(p);
    } else if (record.topic().equals(retryTopic)) {
      due.add(p);
    } else {
      enqueue(p);
    }
  }

  private Job corruptJob(ConsumerRecord<String, byte[]> record, String fn) {
    return new Job(
        UUID.randomUUID().toString(),
        spec.destination().name(),
        fn == null ? "" : fn,
        JsonNode.createStringNode(new String(record.value(), StandardCharsets.UTF_8)),
        null,
        null,
        null,
        null,
        0,
        record.timestamp(),
        null);
  }

  private void enqueue(Pending p) {
    if (!spec.ordered()) {
      ready.add(p);
      return;
    }
    ArrayDeque<Pending> queue = groups.computeIfAbsent(p.group, k -> new ArrayDeque<>());
    if (queue.isEmpty() && !heads.containsKey(p.group)) {
      runnableGroups.add(p.group);
    }
    queue.add(p);
    queuedInGroups++;
  }

  private void promoteDue() {
    long now = System.currentTimeMillis();
    while (!delayed.isEmpty() && delayed.peek().dueAt <= now) {
      due.add(delayed.poll());
    }
  }

  private void dispatch() {
    // Due retries go first (the reference puts them at the head of the line).
    while (inFlight < spec.concurrency() && !due.isEmpty()) {
      start(due.poll());
    }
    if (spec.ordered()) {
      while (inFlight < spec.concurrency() && !runnableGroups.isEmpty()) {
        String group = runnableGroups.poll();
        ArrayDeque<Pending> queue = groups.get(group);
        if (queue == null || queue.isEmpty() || heads.containsKey(group)) {
          continue;
        }
        Pending p = queue.poll();
        queuedInGroups--;
        heads.put(group, p);
        start(p);
      }
    } else {
      while (inFlight < spec.concurrency() && !ready.isEmpty()) {
        start(ready.poll());
      }
    }
  }

  private void start(Pending p) {
    p.offsets.busy(1);
    if (p.redo != null) {
      deadLetter(p, p.redo);
      return;
    }
    inFlight++;
    CompletionStage<Verdict> stage;
    try {
      stage = handler.deliver(p.job);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((verdict, error) -> post(() -> completed(p, verdict, error)));
  }

  private void completed(Pending p, Verdict verdict, Throwable error) {
    inFlight--;
    if (!owns(p)) {
      p.offsets.busy(-1);
      return;
    }
    if (error != null || verdict == null) {
      LOG.warn("delivery of job {} of {} failed unexpectedly", p.job.id(), describe(), error);
      p.offsets.busy(-1);
      later(p, REDO_DELAY_MS);
      return;
    }
    switch (verdict) {
      case Verdict.Ack ack -> finish(p);
      case Verdict.Retry retry -> {
        if (spec.ordered()) {
          // Inline: the group stays blocked until this message succeeds or is dead-lettered.
          p.job = retry.job();
          p.offsets.busy(-1);
          later(p, retry.delay().toMillis());
        } else {
          retryLater(p, retry);
        }
      }
      case Verdict.DeadLettered dead -> deadLetter(p, dead);
    }
  }

  private void later(Pending p, long delayMillis) {
    p.dueAt = System.currentTimeMillis() + delayMillis;
    delayed.add(p);
  }

  private void retryLater(Pending p, Verdict.Retry retry) {
    long dueAt = System.currentTimeMillis() + retry.delay().toMillis();
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            retryTopic, partitionKey(retry.job()), backend.codec().job(retry.job()));
    record.headers().add(RecordCodec.FUNCTION_HEADER, RecordCodec.text(retry.job().functionId()));
    record.headers().add(RecordCodec.DUE_HEADER, RecordCodec.number(dueAt));
    backend
        .producer()
        .send(
            record,
            (meta, error) ->
                post(
                    () -> {
                      if (error == null) {
                        finish(p);
                        return;
                      }
                      LOG.warn("cannot store the retry of job {}; retrying in place", p.job.id());
                      p.offsets.busy(-1);
                      p.job = retry.job();
                      p.dueAt = dueAt;
                      delayed.add(p);
                    }));
  }

  private void deadLetter(Pending p, Verdict.DeadLettered dead) {
    DeadLetter entry = new DeadLetter(dead.job(), dead.error(), System.currentTimeMillis(), 0);
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(deadLetterTopic, dead.job().id(), backend.codec().deadLetter(entry));
    record.headers().add(RecordCodec.FUNCTION_HEADER, RecordCodec.text(dead.job().functionId()));
    backend
        .producer()
        .send(
            record,
            (meta, error) ->
                post(
                    () -> {
                      if (error == null) {
                        LOG.info(
                            "job {} of {} dead-lettered after {} attempt(s): {}",
                            dead.job().id(),
                            describe(),
                            dead.job().attemptsMade(),
                            dead.error());
                        finish(p);
                        return;
                      }
                      LOG.warn("cannot store dead letter {}; trying again", dead.job().id());
                      p.offsets.busy(-1);
                      p.redo = dead;
                      later(p, REDO_DELAY_MS);
                    }));
  }

  private void finish(Pending p) {
    p.offsets.busy(-1);
    if (owns(p)) {
      p.offsets.done(p.offset);
      finishedSinceCommit++;
    }
    if (spec.ordered() && heads.get(p.group) == p) {
      heads.remove(p.group);
      ArrayDeque<Pending> queue = groups.get(p.group);
      if (queue == null || queue.isEmpty()) {
        groups.remove(p.group);
      } else {
        runnableGroups.add(p.group);
      }
    }
  }

  static String partitionKey(Job job) {
    return job.groupId() != null ? job.groupId() : job.id();
  }

  private boolean owns(Pending p) {
    return owned.get(p.partition) == p.offsets;
  }

  private void post(Runnable event) {
    events.add(event);
    if (starved && polling.get() && woken.compareAndSet(false, true)) {
      kafka.wakeup();
    }
  }

  private void runEvents() {
    Runnable event;
    while ((event = events.poll()) != null) {
      event.run();
    }
  }

  private void awaitEvents(long millis) {
    try {
      Runnable event = events.poll(millis, TimeUnit.MILLISECONDS);
      if (event != null) {
        event.run();
        runEvents();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.set(false);
    }
  }

  private void applyBackpressure() {
    int buffered = ready.size() + due.size() + queuedInGroups;
    Set<TopicPartition> assignment = kafka.assignment();
    List<TopicPartition> mains = new ArrayList<>();
    List<TopicPartition> retries = new ArrayList<>();
    for (TopicPartition tp : assignment) {
      (tp.topic().equals(mainTopic) ? mains : retries).add(tp);
    }
    toggle(mains, buffered >= maxBuffered, buffered < maxBuffered / 2);
    toggle(retries, delayed.size() >= maxBuffered, delayed.size() < maxBuffered / 2);
  }

  private void toggle(List<TopicPartition> partitions, boolean pause, boolean resume) {
    if (partitions.isEmpty()) {
      return;
    }
    if (pause) {
      kafka.pause(partitions);
    } else if (resume) {
      kafka.resume(partitions);
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> parts) {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (TopicPartition tp : parts) {
      Offsets offsets = owned.get(tp);
      if (offsets != null && offsets.committable() >= 0) {
        commit.put(tp, new OffsetAndMetadata(offsets.committable()));
        offsets.committed();
      }
    }
    return commit;
  }

  private void maybeCommit() {
    long now = System.currentTimeMillis();
    if (finishedSinceCommit == 0
        || (finishedSinceCommit < COMMIT_BATCH && now - lastCommit < COMMIT_INTERVAL_MS)) {
      return;
    }
    lastCommit = now;
    finishedSinceCommit = 0;
    Map<TopicPartition, OffsetAndMetadata> commit = committable(owned.keySet());
    if (!commit.isEmpty()) {
      kafka.commitAsync(
          commit,
          (offsets, error) -> {
            if (error != null) {
              LOG.debug("commit of {} failed; a later commit covers it", describe(), error);
            }
          });
    }
  }

  private void commitSync(Collection<TopicPartition> parts) {
    Map<TopicPartition, OffsetAndMetadata> commit = committable(parts);
    if (commit.isEmpty()) {
      return;
    }
    try {
      unwoken(
          () -> {
            kafka.commitSync(commit, Duration.ofSeconds(10));
            return null;
          });
    } catch (KafkaException e) {
      LOG.warn("final commit of {} failed; its messages will be delivered again", describe(), e);
    }
  }

  /** Runs a blocking consumer call, repeating it when a stray wake-up interrupts it. */
  private static <T> T unwoken(Supplier<T> call) {
    for (int i = 0; ; i++) {
      try {
        return call.get();
      } catch (WakeupException e) {
        if (i >= 3) {
          throw e;
        }
      }
    }
  }

  /** Stops dispatching, waits for what is in flight, and commits. */
  private void drain() {
    long deadline = System.currentTimeMillis() + stopTimeout.toMillis();
    while (System.currentTimeMillis() < deadline && anyBusy()) {
      awaitEvents(50);
    }
    runEvents();
    commitSync(new ArrayList<>(owned.keySet()));
  }

  private boolean anyBusy() {
    for (Offsets o : owned.values()) {
      if (o.busy() > 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    // Give the partitions up only after their deliveries in flight finished, so a message is not
    // run by two replicas at once (bounded by the stop timeout).
    long deadline = System.currentTimeMillis() + stopTimeout.toMillis();
    while (System.currentTimeMillis() < deadline && busy(partitions)) {
      awaitEvents(50);
    }
    commitSync(partitions);
    release(partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    release(partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      owned.put(tp, new Offsets());
    }
    if (spec.functionId() != null && !partitions.isEmpty()) {
      startNewSubscription(partitions);
    }
  }

  /**
   * A subscription group that never committed starts at "now": at the first record stamped after
   * the consumer started (less a grace for the race between a publish and this start), or at the
   * end. Copies are addressed per function, so nothing published before the function subscribed can
   * be delivered to it anyway; this only skips history.
   */
  private void startNewSubscription(Collection<TopicPartition> partitions) {
    Set<TopicPartition> set = new HashSet<>(partitions);
    Map<TopicPartition, OffsetAndMetadata> committed = unwoken(() -> kafka.committed(set));
    List<TopicPartition> fresh = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      if (committed.get(tp) == null) {
        fresh.add(tp);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> ends = unwoken(() -> kafka.endOffsets(fresh));
    Map<TopicPartition, Long> times = new HashMap<>();
    long since = startedAt - SUBSCRIPTION_START_GRACE.toMillis();
    for (TopicPartition tp : fresh) {
      times.put(tp, since);
    }
    Map<TopicPartition, OffsetAndTimestamp> found = unwoken(() -> kafka.offsetsForTimes(times));
    for (TopicPartition tp : fresh) {
      OffsetAndTimestamp at = found.get(tp);
      kafka.seek(tp, at != null ? at.offset() : ends.getOrDefault(tp, 0L));
    }
  }

  private boolean busy(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      Offsets o = owned.get(tp);
      if (o != null && o.busy() > 0) {
        return true;
      }
    }
    return false;
  }

  private void release(Collection<TopicPartition> partitions) {
    Set<TopicPartition> gone = new HashSet<>(partitions);
    for (TopicPartition tp : partitions) {
      owned.remove(tp);
    }
    ready.removeIf(p -> gone.contains(p.partition));
    due.removeIf(p -> gone.contains(p.partition));
    delayed.removeIf(p -> gone.contains(p.partition));
    if (spec.ordered()) {
      Iterator<Map.Entry<String, ArrayDeque<Pending>>> it = groups.entrySet().iterator();
      while (it.hasNext()) {
        ArrayDeque<Pending> queue = it.next().getValue();
        int before = queue.size();
        queue.removeIf(p -> gone.contains(p.partition));
        queuedInGroups -= before - queue.size();
        if (queue.isEmpty()) {
          it.remove();
        }
      }
      // A group's messages share one partition: a group whose head was given up is free again.
      heads.values().removeIf(p -> gone.contains(p.partition));
      runnableGroups.clear();
      for (String group : groups.keySet()) {
        if (!heads.containsKey(group)) {
          runnableGroups.add(group);
        }
      }
    }
  }

  private String describe() {
    return spec.functionId() == null
        ? "queue " + spec.destination().name()
        : "topic " + spec.destination().name() + " for " + spec.functionId();
  }
}

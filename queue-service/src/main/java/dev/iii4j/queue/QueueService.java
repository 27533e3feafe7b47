package dev.iii4j.queue;

import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.queue.config.QueueProperties;
import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's policy: validates what is enqueued and published, decides the fate of every delivery
 * attempt from its {@link Failure} and {@link RetryPolicy}, keeps the {@code durable:subscriber}
 * subscriptions and their consumers, and answers the dead-letter functions. Storage and delivery
 * are the {@link QueueBackend}'s; calls to functions go through the gateway with the worker SDK.
 *
 * <p>Threading: thread-safe. Subscription changes are serialised; enqueue and publish may run
 * concurrently with everything.
 */
@Requires(env = Application.ENVIRONMENT)
@Singleton
public final class QueueService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueueService.class);

  /** Stands for "no handler timeout": the SDK needs some deadline, this one never matters. */
  static final Duration NO_TIMEOUT = Duration.ofDays(3650);

  private static final Duration SUBSCRIBER_POLL_INTERVAL = Duration.ofMillis(100);

  private final QueueBackend backend;
  private final EngineWorker worker;
  private final Map<String, QueueDefinition> queues;
  private final Map<String, QueueBackend.Consumption> queueConsumers = new HashMap<>();
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final Map<Lane, RunningLane> lanes = new HashMap<>();
  private boolean started;

  private record Lane(String topic, String functionId) {}

  private record RunningLane(
      Subscription.Settings settings, @Nullable QueueBackend.Consumption consumption) {}

  /**
   * Validates the configured queues; a {@code default} queue is added when not configured.
   *
   * @throws QueueException when a queue's settings are invalid (the service does not start)
   */
  public QueueService(
      QueueBackend backend, EngineWorker worker, Collection<QueueProperties> configured) {
    this.backend = backend;
    this.worker = worker;
    Map<String, QueueDefinition> all = new TreeMap<>();
    for (QueueProperties p : configured) {
      all.put(p.name(), QueueDefinition.of(p));
    }
    all.computeIfAbsent(
        QueueProperties.DEFAULT_QUEUE, name -> QueueDefinition.of(QueueProperties.defaults(name)));
    this.queues = Map.copyOf(all);
  }

  /** The declared queues by name. */
  public Map<String, QueueDefinition> queues() {
    return new TreeMap<>(queues);
  }

  /**
   * Creates the storage of every declared queue and starts its consumer. Idempotent.
   *
   * @throws QueueBackendException when the backend cannot be prepared
   */
  public synchronized void start() {
    if (started) {
      return;
    }
    for (QueueDefinition q : queues.values()) {
      Destination d = Destination.queue(q.name());
      backend.declare(d);
      queueConsumers.put(
          q.name(),
          backend.consume(
              new Consumer(d, null, q.concurrency(), q.fifo(), q.pollInterval()),
              job -> deliverQueued(q, job)));
    }
    started = true;
    LOG.info("queues started: {}", queues.keySet());
  }

  // ---------------------------------------------------------------- named queues

  /**
   * Stores a message for {@code functionId} on a named queue ({@code engine::queue::enqueue}).
   *
   * @return completes once the message is durable; fails with {@link QueueException}
   * @throws QueueException with {@link ErrorCode#QUEUE_NOT_FOUND} (naming the declared queues) or
   *     {@link ErrorCode#MESSAGE_GROUP_MISSING}
   */
  public CompletableFuture<Void> enqueue(
      String queue,
      String functionId,
      @Nullable JsonNode data,
      @Nullable String messageReceiptId,
      @Nullable String traceparent,
      @Nullable String baggage) {
    QueueDefinition q = queues.get(queue);
    if (q == null) {
      throw new QueueException(
          ErrorCode.QUEUE_NOT_FOUND,
          "Queue '"
              + queue
              + "' not found; declared queues: "
              + String.join(", ", queues.keySet()));
    }
    String group = q.fifo() ? groupOf(q, data) : null;
    Job job =
        new Job(
            UUID.randomUUID().toString(),
            queue,
            functionId,
            data,
            messageReceiptId,
            group,
            traceparent,
            baggage,
            0,
            System.currentTimeMillis(),
            null);
    return backend.send(Destination.queue(queue), job);
  }

  private static String groupOf(QueueDefinition q, @Nullable JsonNode data) {
    String field = q.messageGroupField();
    JsonNode value = data != null && data.isObject() ? data.get(field) : null;
    if (value == null) {
      throw new QueueException(
          ErrorCode.MESSAGE_GROUP_MISSING,
          "FIFO queue '"
              + q.name()
              + "' requires field '"
              + field
              + "' in data, but it was not found");
    }
    if (value.isNull()) {
      throw new QueueException(
          ErrorCode.MESSAGE_GROUP_MISSING,
          "FIFO queue '" + q.name() + "': field '" + field + "' must not be null");
    }
    return value.isString() ? value.getStringValue() : value.toString();
  }

  private CompletionStage<Verdict> deliverQueued(QueueDefinition q, Job job) {
    return call(job.functionId(), job, q.handlerTimeout())
        .handle(
            (result, error) ->
                error == null
                    ? Verdict.ack()
                    : decide(job, Failure.classify(error), q.retryPolicy(), ""));
  }

  // ---------------------------------------------------------------- topics

  /**
   * Stores one copy of {@code data} for every function subscribed to {@code topic} right now
   * ({@code iii::durable::publish}). Without subscribers the message is dropped, as in the
   * reference.
   *
   * @return completes once every copy is durable
   * @throws QueueException with {@link ErrorCode#TOPIC_NOT_SET} when the topic is empty
   */
  public CompletableFuture<Void> publish(
      String topic,
      @Nullable JsonNode data,
      @Nullable String traceparent,
      @Nullable String baggage) {
    if (topic == null || topic.isEmpty()) {
      throw new QueueException(ErrorCode.TOPIC_NOT_SET, "Topic is not set");
    }
    Map<String, Subscription.Settings> targets = new TreeMap<>();
    synchronized (this) {
      lanes.forEach(
          (lane, running) -> {
            if (lane.topic().equals(topic)) {
              targets.put(lane.functionId(), running.settings());
            }
          });
    }
    if (targets.isEmpty()) {
      LOG.debug("publish to topic {} without subscribers: dropped", topic);
      return CompletableFuture.completedFuture(null);
    }
    Destination d = Destination.topic(topic);
    long now = System.currentTimeMillis();
    List<CompletableFuture<Void>> copies = new ArrayList<>();
    targets.forEach(
        (functionId, settings) ->
            copies.add(
                backend.send(
                    d,
                    new Job(
                        UUID.randomUUID().toString(),
                        topic,
                        functionId,
                        data,
                        null,
                        // A FIFO subscriber's copies share one partition key: one serial line.
                        settings.fifo() ? topic : null,
                        traceparent,
                        baggage,
                        0,
                        now,
                        null))));
    return CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new));
  }

  /**
   * Adds (or replaces) a {@code durable:subscriber} trigger. The first trigger of a (topic,
   * function) pair starts its consumer; a later one with other settings restarts it with those (the
   * last registered wins, as in the reference).
   *
   * @throws QueueBackendException when the consumer cannot be started
   */
  public synchronized void subscribe(Subscription subscription) {
    Subscription previous = subscriptions.put(subscription.triggerId(), subscription);
    Lane lane = new Lane(subscription.topic(), subscription.functionId());
    RunningLane running = lanes.get(lane);
    if (running != null && running.settings().equals(subscription.settings())) {
      return;
    }
    if (previous != null && !lane.equals(new Lane(previous.topic(), previous.functionId()))) {
      releaseLane(new Lane(previous.topic(), previous.functionId()));
    }
    if (running != null && running.consumption() != null) {
      running.consumption().close();
    }
    lanes.put(lane, startLane(lane, subscription.settings()));
  }

  /** Removes a trigger; the last one of a (topic, function) pair stops its consumer. */
  public synchronized void unsubscribe(String triggerId) {
    Subscription removed = subscriptions.remove(triggerId);
    if (removed != null) {
      releaseLane(new Lane(removed.topic(), removed.functionId()));
    }
  }

  private void releaseLane(Lane lane) {
    for (Subscription s : subscriptions.values()) {
      if (s.topic().equals(lane.topic()) && s.functionId().equals(lane.functionId())) {
        return;
      }
    }
    RunningLane running = lanes.remove(lane);
    if (running != null && running.consumption() != null) {
      running.consumption().close();
    }
  }

  private RunningLane startLane(Lane lane, Subscription.Settings settings) {
    Destination d = Destination.topic(lane.topic());
    backend.declare(d);
    if (settings.concurrency() == 0 && !settings.fifo()) {
      // concurrency 0 pauses consumption (spec section 1.3); copies keep accumulating.
      return new RunningLane(settings, null);
    }
    int concurrency = settings.fifo() ? 1 : settings.concurrency();
    return new RunningLane(
        settings,
        backend.consume(
            new Consumer(
                d, lane.functionId(), concurrency, settings.fifo(), SUBSCRIBER_POLL_INTERVAL),
            job -> deliverToSubscriber(settings, job)));
  }

  private CompletionStage<Verdict> deliverToSubscriber(Subscription.Settings settings, Job job) {
    String condition = settings.conditionFunctionId();
    CompletableFuture<Boolean> gate =
        condition == null
            ? CompletableFuture.completedFuture(true)
            : call(condition, job, null)
                .thenApply(r -> !(r != null && r.isBoolean() && !r.getBooleanValue()));
    return gate.handle(
            (go, error) -> {
              if (error != null) {
                return CompletableFuture.completedFuture(
                    decide(
                        job,
                        Failure.classify(error),
                        settings.retryPolicy(),
                        "Condition function error: "));
              }
              if (!go) {
                return CompletableFuture.completedFuture(Verdict.ack());
              }
              return call(job.functionId(), job, null)
                  .handle(
                      (result, e) ->
                          e == null
                              ? Verdict.ack()
                              : decide(job, Failure.classify(e), settings.retryPolicy(), ""));
            })
        .thenCompose(v -> v);
  }

  private CompletableFuture<JsonNode> call(String functionId, Job job, @Nullable Duration timeout) {
    CallOptions options =
        CallOptions.defaults()
            .withTimeout(timeout == null ? NO_TIMEOUT : timeout)
            .withTraceparent(job.traceparent())
            .withBaggage(job.baggage());
    try {
      return worker
          .call(functionId, SerdeTrees.raw(job.data()), options)
          .thenApply(SerdeTrees::serde);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The verdict after a failed attempt: protocol violations go straight to the dead letters;
   * handler and transport failures are retried until the policy is exhausted.
   */
  static Verdict decide(Job job, Failure failure, RetryPolicy policy, String prefix) {
    String error = prefix + failure.describe();
    Job failed = job.failedOnce(error);
    if (!failure.retriable() || policy.exhausted(failed.attemptsMade())) {
      return new Verdict.DeadLettered(failed, error);
    }
    return new Verdict.Retry(failed, policy.delayFor(failed.attemptsMade()));
  }

  // ---------------------------------------------------------------- dead letters and inspection

  /**
   * The destination a user-facing name refers to: a declared named queue wins over a topic of the
   * same name (spec section 1.4).
   */
  public Destination resolve(String name) {
    return queues.containsKey(name) ? Destination.queue(name) : Destination.topic(name);
  }

  /** Redrives every dead letter of a queue or topic; returns how many. */
  public int redrive(String name) {
    return backend.redrive(resolve(name));
  }

  /** Redrives one dead letter by its job id; returns whether it was found. */
  public boolean redriveMessage(String name, String messageId) {
    return backend.redrive(resolve(name), messageId);
  }

  /** Deletes one dead letter by its job id; returns whether it was found. */
  public boolean discardMessage(String name, String messageId) {
    return backend.discard(resolve(name), messageId);
  }

  /** A page of dead letters, newest failure first. */
  public List<DeadLetter> deadLetters(String name, int offset, int limit) {
    return backend.deadLetters(resolve(name), offset, limit);
  }

  /** How many dead letters a queue or topic has. */
  public long deadLetterCount(String name) {
    return backend.deadLetterCount(resolve(name));
  }

  /** Messages waiting or in flight. */
  public long depth(String name) {
    return backend.depth(resolve(name));
  }

  /** The topics that have subscribers here, with the number of their triggers. */
  public synchronized Map<String, Integer> subscribedTopics() {
    Map<String, Integer> topics = new TreeMap<>();
    for (Subscription s : subscriptions.values()) {
      topics.merge(s.topic(), 1, Integer::sum);
    }
    return topics;
  }

  /** The names of the topics that have subscribers here. */
  public synchronized Set<String> topicNames() {
    Set<String> names = new TreeSet<>();
    subscriptions.values().forEach(s -> names.add(s.topic()));
    return names;
  }

  /** Stops every consumer, waiting for the deliveries in flight. */
  @Override
  @PreDestroy
  public synchronized void close() {
    for (RunningLane lane : lanes.values()) {
      if (lane.consumption() != null) {
        lane.consumption().close();
      }
    }
    lanes.clear();
    for (QueueBackend.Consumption c : queueConsumers.values()) {
      c.close();
    }
    queueConsumers.clear();
  }
}

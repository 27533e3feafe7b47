package dev.iii4j.queue.kafka;

import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.SerialExecutor;
import dev.iii4j.queue.Application;
import dev.iii4j.queue.Consumer;
import dev.iii4j.queue.DeadLetter;
import dev.iii4j.queue.DeliveryHandler;
import dev.iii4j.queue.Destination;
import dev.iii4j.queue.Job;
import dev.iii4j.queue.QueueBackend;
import dev.iii4j.queue.QueueBackendException;
import dev.iii4j.queue.config.QueueServiceProperties;
import io.micronaut.configuration.kafka.config.AbstractKafkaConsumerConfiguration;
import io.micronaut.configuration.kafka.config.AbstractKafkaProducerConfiguration;
import io.micronaut.configuration.kafka.config.KafkaDefaultConfiguration;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.ObjectMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link QueueBackend} on Kafka. Topic names are described on {@link TopicNames}.
 *
 * <ul>
 *   <li>Writes go through one idempotent producer with {@code acks=all}; {@link #send} completes
 *       from the producer's acknowledgement.
 *   <li>Each {@link #consume} call runs a {@link ConsumerLoop}: one Kafka consumer in the
 *       destination's group, reading its main and retry topics, committing manually.
 *   <li>Dead letters live in a compacted topic keyed by job id; discarding writes a tombstone.
 *       Listing, counting and redriving read the topic from its start with a group-less consumer,
 *       so their cost grows with the number of dead letters (fine for dead letters, which should
 *       stay few; documented in the README).
 * </ul>
 */
@Requires(env = Application.ENVIRONMENT)
@Singleton
public final class KafkaQueueBackend implements QueueBackend {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaQueueBackend.class);

  private final QueueServiceProperties properties;
  private final Map<String, Object> consumerBase;
  private final Map<String, Object> producerConfig;
  private final TopicNames names;
  private final RecordCodec codec;
  private final KafkaProducer<String, byte[]> producer;
  private final Admin admin;
  private final Set<Destination> declared = ConcurrentHashMap.newKeySet();
  private final Set<ConsumerLoop> loops = ConcurrentHashMap.newKeySet();

  /**
   * Where write acknowledgements complete: in order, one virtual thread per burst (the records of
   * one produce response are acknowledged together), not one per record.
   */
  private final Executor completions =
      new SerialExecutor(
          Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("queue-write-", 0).factory()));

  /**
   * Connects a producer and an admin client; consumers are created per {@link #consume} call.
   *
   * <p>Every Kafka client starts from micronaut-kafka's configuration: {@code kafka.*} (for
   * instance {@code kafka.bootstrap.servers}, {@code kafka.security.protocol}, {@code
   * kafka.sasl.*}, {@code kafka.ssl.*}, or the matching environment variables) for all of them,
   * then {@code kafka.producers.default.*} for the producer and {@code kafka.consumers.default.*}
   * for the consumers. Micronaut's Kafka metrics binder adds its reporter there, so the clients'
   * metrics reach {@code /prometheus}. On top come this service's tunable defaults (which the
   * configuration may override) and the settings its delivery guarantees depend on (which it may
   * not).
   *
   * @param properties the service's settings
   * @param kafka micronaut-kafka's {@code kafka.*} configuration (the admin client's)
   * @param producerConfiguration micronaut-kafka's primary producer configuration: {@code
   *     kafka.producers.default.*} over {@code kafka.*}
   * @param consumerConfiguration micronaut-kafka's primary consumer configuration: {@code
   *     kafka.consumers.default.*} over {@code kafka.*}
   * @param mapper the serde mapper for record values
   */
  public KafkaQueueBackend(
      QueueServiceProperties properties,
      KafkaDefaultConfiguration kafka,
      AbstractKafkaProducerConfiguration<?, ?> producerConfiguration,
      AbstractKafkaConsumerConfiguration<?, ?> consumerConfiguration,
      ObjectMapper mapper) {
    this.properties = properties;
    this.consumerBase = copy(consumerConfiguration.getConfig());
    this.names = new TopicNames(properties.topicPrefix());
    this.codec = new RecordCodec(mapper);
    // An enqueue is answered within engine.queue.enqueue-timeout: a quarter for metadata (send()
    // blocks while Kafka is unreachable), the rest for delivery, retries included.
    long enqueueMs = properties.enqueueTimeout().toMillis();
    this.producerConfig =
        settings(
            copy(producerConfiguration.getConfig()),
            Map.of(
                ProducerConfig.ENABLE_METRICS_PUSH_CONFIG,
                false,
                ProducerConfig.LINGER_MS_CONFIG,
                1,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                enqueueMs / 4,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) (enqueueMs * 3 / 4),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) (enqueueMs * 3 / 8)),
            Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.CLIENT_ID_CONFIG,
                "queue-service-producer-" + UUID.randomUUID()));
    this.producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    this.admin =
        Admin.create(
            settings(
                copy(kafka.getConfig()),
                Map.of(
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    (int) properties.requestTimeout().toMillis()),
                Map.of()));
  }

  /**
   * A client's settings: {@code base} (the configuration), {@code defaults} where the configuration
   * says nothing, then {@code required} whatever it says.
   */
  static Map<String, Object> settings(
      Map<String, Object> base, Map<String, Object> defaults, Map<String, Object> required) {
    Map<String, Object> settings = new HashMap<>(base);
    defaults.forEach(settings::putIfAbsent);
    settings.putAll(required);
    return settings;
  }

  private static Map<String, Object> copy(Properties config) {
    Map<String, Object> copy = new HashMap<>();
    config.forEach((k, v) -> copy.put(String.valueOf(k), v));
    return copy;
  }

  /**
   * The producer's settings, as given to the Kafka client.
   *
   * @return an unmodifiable view
   */
  public Map<String, Object> producerConfig() {
    return Collections.unmodifiableMap(producerConfig);
  }

  /**
   * A consumer's settings: the consumer configuration, then {@code defaults} where it says nothing,
   * then {@code required}.
   *
   * @param defaults settings the configuration may override
   * @param required settings the configuration may not override
   * @return a new map
   */
  public Map<String, Object> consumerConfig(
      Map<String, Object> defaults, Map<String, Object> required) {
    return settings(consumerBase, defaults, required);
  }

  /** The short-lived reader of dead letters: no group, and no metrics for a client that closes. */
  private Map<String, Object> dlqReaderConfig() {
    Map<String, Object> c =
        consumerConfig(
            Map.of(),
            Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG,
                "queue-service-dlq-reader-" + UUID.randomUUID()));
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.remove(CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG);
    return c;
  }

  RecordCodec codec() {
    return codec;
  }

  KafkaProducer<String, byte[]> producer() {
    return producer;
  }

  void forget(ConsumerLoop loop) {
    loops.remove(loop);
  }

  /** The Kafka topics of a destination: main, retry and dead letters (for the docs and tests). */
  public List<String> topicsOf(Destination destination) {
    return List.of(
        names.main(destination), names.retry(destination), names.deadLetters(destination));
  }

  @Override
  public void declare(Destination destination) {
    declare(destination, properties.partitions());
  }

  /**
   * Like {@link #declare(Destination)}, with the partition count of the main and retry topics;
   * {@code null} takes the cluster's default ({@code num.partitions}). The replication factor is
   * {@code engine.queue.replication-factor}, or the cluster's {@code default.replication.factor}.
   *
   * @throws QueueBackendException when the topics cannot be created
   */
  public void declare(Destination destination, @Nullable Integer partitions) {
    if (declared.contains(destination)) {
      return;
    }
    Optional<Integer> count = Optional.ofNullable(partitions);
    Optional<Short> rf = Optional.ofNullable(properties.replicationFactor());
    List<NewTopic> topics =
        List.of(
            new NewTopic(names.main(destination), count, rf),
            new NewTopic(names.retry(destination), count, rf),
            new NewTopic(names.deadLetters(destination), Optional.of(1), rf)
                .configs(
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    var result = admin.createTopics(topics);
    for (NewTopic topic : topics) {
      try {
        result.values().get(topic.name()).get(timeoutMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw failure("cannot create topic " + topic.name(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw failure("timed out creating topic " + topic.name(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure("interrupted creating topic " + topic.name(), e);
      }
    }
    declared.add(destination);
  }

  @Override
  public CompletableFuture<Void> send(Destination destination, Job job) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            names.main(destination), ConsumerLoop.partitionKey(job), codec.job(job));
    record.headers().add(RecordCodec.FUNCTION_HEADER, RecordCodec.text(job.functionId()));
    return write(record);
  }

  /**
   * Sends without waiting: concurrent writes share the producer's batches, and each future
   * completes once Kafka acknowledged its record (acks=all). The future completes on a virtual
   * thread, not on the producer's I/O thread: what callers chain to it (answering the enqueue
   * through the gateway) must not hold up the acknowledgement of the next batch. The
   * acknowledgements of one batch complete one after another on one such thread.
   */
  private CompletableFuture<Void> write(ProducerRecord<String, byte[]> record) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      producer.send(
          record,
          (meta, error) ->
              completions.execute(
                  () -> {
                    if (error == null) {
                      done.complete(null);
                    } else {
                      done.completeExceptionally(
                          failure("cannot write to " + record.topic(), error));
                    }
                  }));
    } catch (KafkaException e) {
      done.completeExceptionally(failure("cannot write to " + record.topic(), e));
    }
    return done;
  }

  @Override
  public Consumption consume(Consumer consumer, DeliveryHandler handler) {
    declare(consumer.destination());
    // A crashed replica's partitions move to the others after this, not Kafka's default 45 s.
    int sessionMs = (int) properties.consumerSessionTimeout().toMillis();
    Map<String, Object> c =
        consumerConfig(
            Map.of(
                ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                Math.max(10, properties.maxBuffered() / 2),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                sessionMs,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                Math.max(500, sessionMs / 6)),
            Map.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                names.group(consumer.destination(), consumer.functionId()),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // A named queue's group reads everything stored; a subscription seeks to "now".
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG,
                "queue-service-consumer-" + UUID.randomUUID()));
    KafkaConsumer<String, byte[]> kafka;
    try {
      kafka = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    } catch (KafkaException e) {
      throw failure("cannot create a consumer for " + consumer.destination().name(), e);
    }
    ConsumerLoop loop =
        new ConsumerLoop(
            consumer,
            handler,
            this,
            kafka,
            names,
            properties.stopTimeout(),
            properties.maxBuffered());
    loops.add(loop);
    loop.start();
    return loop;
  }

  @Override
  public long deadLetterCount(Destination destination) {
    return readDeadLetters(destination).size();
  }

  @Override
  public List<DeadLetter> deadLetters(Destination destination, int offset, int limit) {
    if (offset < 0 || limit < 1) {
      throw new IllegalArgumentException("offset must be >= 0 and limit >= 1");
    }
    List<DeadLetter> all = new ArrayList<>(readDeadLetters(destination).values());
    all.sort(Comparator.comparingLong(DeadLetter::failedAt).reversed());
    if (offset >= all.size()) {
      return List.of();
    }
    return List.copyOf(all.subList(offset, Math.min(all.size(), offset + limit)));
  }

  @Override
  public int redrive(Destination destination) {
    List<DeadLetter> all = new ArrayList<>(readDeadLetters(destination).values());
    all.sort(Comparator.comparingLong(DeadLetter::failedAt));
    redriveAll(destination, all);
    return all.size();
  }

  @Override
  public boolean redrive(Destination destination, String jobId) {
    DeadLetter entry = readDeadLetters(destination).get(jobId);
    if (entry == null) {
      return false;
    }
    redriveAll(destination, List.of(entry));
    return true;
  }

  private void redriveAll(Destination destination, List<DeadLetter> entries) {
    List<CompletableFuture<Void>> copies = new ArrayList<>();
    for (DeadLetter entry : entries) {
      copies.add(send(destination, entry.job().redriven()));
    }
    await(CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)), "redrive");
    // Only now that every copy is stored: a crash before this point redrives twice, never never.
    List<CompletableFuture<Void>> tombstones = new ArrayList<>();
    for (DeadLetter entry : entries) {
      tombstones.add(tombstone(destination, entry.job().id()));
    }
    await(CompletableFuture.allOf(tombstones.toArray(CompletableFuture[]::new)), "redrive");
  }

  @Override
  public boolean discard(Destination destination, String jobId) {
    if (!readDeadLetters(destination).containsKey(jobId)) {
      return false;
    }
    await(tombstone(destination, jobId), "discard");
    return true;
  }

  private CompletableFuture<Void> tombstone(Destination destination, String jobId) {
    return write(new ProducerRecord<>(names.deadLetters(destination), jobId, null));
  }

  @Override
  public long depth(Destination destination) {
    try {
      List<String> groups = new ArrayList<>();
      if (destination.kind() == Destination.Kind.QUEUE) {
        groups.add(names.group(destination, null));
      } else {
        String prefix = names.subscriberGroupPrefix(destination);
        for (ConsumerGroupListing g :
            admin.listConsumerGroups().all().get(timeoutMillis(), TimeUnit.MILLISECONDS)) {
          if (g.groupId().startsWith(prefix)) {
            groups.add(g.groupId());
          }
        }
      }
      String topic = names.main(destination);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicPartition tp : partitions(topic)) {
        latest.put(tp, OffsetSpec.latest());
      }
      if (latest.isEmpty()) {
        return 0;
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(timeoutMillis(), TimeUnit.MILLISECONDS);
      long depth = 0;
      for (String group : groups) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(timeoutMillis(), TimeUnit.MILLISECONDS);
        for (var e : ends.entrySet()) {
          OffsetAndMetadata at = committed.get(e.getKey());
          depth += Math.max(0, e.getValue().offset() - (at == null ? 0 : at.offset()));
        }
      }
      return depth;
    } catch (ExecutionException e) {
      throw failure("cannot read the depth of " + destination.name(), e.getCause());
    } catch (TimeoutException | KafkaException e) {
      throw failure("cannot read the depth of " + destination.name(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted reading the depth of " + destination.name(), e);
    }
  }

  /** The live dead letters of a destination by job id, in the order they were written. */
  private Map<String, DeadLetter> readDeadLetters(Destination destination) {
    declare(destination);
    String topic = names.deadLetters(destination);
    Map<String, DeadLetter> live = new LinkedHashMap<>();
    Map<String, Object> c = dlqReaderConfig();
    long deadline = System.currentTimeMillis() + timeoutMillis();
    try (KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : reader.partitionsFor(topic, properties.requestTimeout())) {
        parts.add(new TopicPartition(topic, info.partition()));
      }
      reader.assign(parts);
      reader.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = reader.endOffsets(parts, properties.requestTimeout());
      while (!caughtUp(reader, ends)) {
        if (System.currentTimeMillis() > deadline) {
          throw failure("timed out reading the dead letters of " + destination.name(), null);
        }
        for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(200))) {
          if (record.key() == null) {
            continue;
          }
          if (record.value() == null) {
            live.remove(record.key());
            continue;
          }
          try {
            live.put(
                record.key(),
                codec.deadLetter(record.value()).withSize(record.serializedValueSize()));
          } catch (IOException e) {
            LOG.warn("skipping an undecodable dead letter {} in {}", record.key(), topic, e);
          }
        }
      }
    } catch (KafkaException e) {
      throw failure("cannot read the dead letters of " + destination.name(), e);
    }
    return live;
  }

  private static boolean caughtUp(
      KafkaConsumer<String, byte[]> reader, Map<TopicPartition, Long> ends) {
    for (var e : ends.entrySet()) {
      if (reader.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private Collection<TopicPartition> partitions(String topic)
      throws ExecutionException, InterruptedException, TimeoutException {
    var description =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(timeoutMillis(), TimeUnit.MILLISECONDS)
            .get(topic);
    List<TopicPartition> parts = new ArrayList<>();
    description.partitions().forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
    return parts;
  }

  /**
   * Whether the cluster answers: used by the readiness check beside micronaut-kafka's own.
   *
   * @return true when the cluster described itself within the request timeout
   */
  public boolean reachable() {
    try {
      admin.describeCluster().clusterId().get(timeoutMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void await(Future<?> future, String what) {
    try {
      future.get(timeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof QueueBackendException q
          ? q
          : failure(what + " failed", e.getCause());
    } catch (TimeoutException e) {
      throw failure(what + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(what + " interrupted", e);
    }
  }

  private long timeoutMillis() {
    return properties.requestTimeout().toMillis();
  }

  private static QueueBackendException failure(String message, Throwable cause) {
    return new QueueBackendException(
        ErrorCode.BACKEND_UNAVAILABLE,
        cause == null ? message : message + ": " + cause.getMessage(),
        cause);
  }

  /** Stops every consumer (waiting for their deliveries), then the producer and admin client. */
  @PreDestroy
  void close() {
    for (ConsumerLoop loop : List.copyOf(loops)) {
      loop.close();
    }
    producer.close(Duration.ofSeconds(10));
    admin.close(Duration.ofSeconds(5));
  }
}

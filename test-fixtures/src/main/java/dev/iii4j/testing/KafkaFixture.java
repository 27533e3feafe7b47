package dev.iii4j.testing;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.server.common.MetadataVersion;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One real Kafka broker per JVM, for tests.
 *
 * <p>The broker is chosen on the first call to {@link #instance()}, in this order:
 *
 * <ol>
 *   <li>the cluster named by {@value #BOOTSTRAP_ENV} ({@code host:port[,host:port…]}), started by a
 *       script or CI;
 *   <li>a Testcontainers {@code apache/kafka} container ({@value #DEFAULT_IMAGE}, or the image
 *       named by {@value #IMAGE_ENV}) when a Docker engine answers and the image is present
 *       locally;
 *   <li>otherwise a single-node KRaft broker inside this JVM, from the Kafka project's own {@code
 *       KafkaClusterTestKit}, at the version of the {@code kafka-clients} the build manages, on a
 *       random loopback port.
 * </ol>
 *
 * <p>A broker the fixture started is stopped by a JVM shutdown hook; a cluster from the environment
 * is left alone. Tests share the broker and isolate themselves with {@link #uniqueName(String)}.
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
public final class KafkaFixture {
  /** Environment variable holding the bootstrap servers of an already running cluster. */
  public static final String BOOTSTRAP_ENV = "ENGINE_TEST_KAFKA_BOOTSTRAP";

  /** Environment variable overriding the Docker image used under Testcontainers. */
  public static final String IMAGE_ENV = "ENGINE_TEST_KAFKA_IMAGE";

  /** Docker image used under Testcontainers: the broker version of the embedded test kit. */
  public static final String DEFAULT_IMAGE = "apache/kafka:3.9.1";

  /**
   * Broker settings of the embedded broker, beyond the test kit's own: a single node must hold
   * every internal topic, and consumer groups must not wait for more members.
   */
  static final Map<String, String> EMBEDDED_BROKER_CONFIG =
      Map.of(
          "offsets.topic.replication.factor", "1",
          "offsets.topic.num.partitions", "1",
          "group.initial.rebalance.delay.ms", "0",
          "transaction.state.log.replication.factor", "1",
          "transaction.state.log.min.isr", "1",
          "transaction.state.log.num.partitions", "1");

  private static final Logger LOG = LoggerFactory.getLogger(KafkaFixture.class);
  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final int MAX_NAME_LENGTH = 249;
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final SharedServer<KafkaFixture> SERVER = new SharedServer<>(KafkaFixture::start);

  private final FixtureSource source;
  private final String bootstrapServers;

  private KafkaFixture(FixtureSource source, String bootstrapServers) {
    this.source = source;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Returns this JVM's broker, starting it on the first call.
   *
   * <p>Callers racing on the first call wait for the one start; later calls return at once.
   *
   * @throws IllegalStateException when no broker can be reached or started; the next call tries
   *     again
   */
  public static KafkaFixture instance() {
    return SERVER.get();
  }

  /** Which of the three ways the broker was found. */
  public FixtureSource source() {
    return source;
  }

  /** The {@code bootstrap.servers} value for clients of this broker. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Creates a topic with the broker's default replication factor and returns its name, once every
   * partition has a leader.
   *
   * @throws IllegalStateException when the topic exists already or cannot be created in time
   * @throws IllegalArgumentException when {@code name} is not a legal topic name
   */
  public String createTopic(String name, int partitions) {
    requireLegalName(name);
    try (Admin admin = admin()) {
      try {
        admin
            .createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty())))
            .all()
            .get(ADMIN_TIMEOUT.toSeconds(), SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("cannot create topic " + name, e);
      }
      // The controller acknowledges before the broker has applied the new metadata; waiting for
      // leaders spares every test a first produce that blocks on metadata.
      try {
        await("leaders of " + name)
            .atMost(ADMIN_TIMEOUT)
            .until(() -> hasLeaders(admin, name, partitions));
      } catch (ConditionTimeoutException e) {
        throw new IllegalStateException("topic " + name + " has no leaders", e);
      }
      return name;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    }
  }

  /**
   * Returns {@code prefix} followed by {@code -} and a random suffix: a name for a topic, group or
   * key that no other test uses.
   *
   * @throws IllegalArgumentException when the result would not be a legal topic name
   */
  public String uniqueName(String prefix) {
    String name = prefix + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    requireLegalName(name);
    return name;
  }

  private Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            (int) ADMIN_TIMEOUT.toMillis()));
  }

  private static boolean hasLeaders(Admin admin, String name, int partitions)
      throws InterruptedException, ExecutionException {
    TopicDescription description;
    try {
      description = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
    List<TopicPartitionInfo> infos = description.partitions();
    return infos.size() == partitions && infos.stream().allMatch(p -> p.leader() != null);
  }

  private static void requireLegalName(String name) {
    if (name.length() > MAX_NAME_LENGTH
        || !LEGAL_NAME.matcher(name).matches()
        || name.equals(".")
        || name.equals("..")) {
      throw new IllegalArgumentException("not a legal topic name: " + name);
    }
  }

  private static KafkaFixture start() {
    return SharedServer.choose(
        LOG,
        "Kafka",
        () -> {
          String bootstrap = SharedServer.envOr(BOOTSTRAP_ENV, null);
          return bootstrap == null ? null : new KafkaFixture(FixtureSource.ENVIRONMENT, bootstrap);
        },
        SharedServer.envOr(IMAGE_ENV, DEFAULT_IMAGE),
        KafkaFixture::startContainer,
        KafkaFixture::startEmbedded,
        fixture -> fixture.source + " at " + fixture.bootstrapServers);
  }

  private static KafkaFixture startContainer() {
    KafkaContainer container =
        SharedServer.started(
            new KafkaContainer(
                DockerImageName.parse(SharedServer.envOr(IMAGE_ENV, DEFAULT_IMAGE))
                    .asCompatibleSubstituteFor("apache/kafka")),
            "engine-test-kafka-container-stop");
    return new KafkaFixture(FixtureSource.TESTCONTAINERS, container.getBootstrapServers());
  }

  private static KafkaFixture startEmbedded() {
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              // The kit defaults to the newest metadata version, unstable features included;
              // tests should see what a released broker does.
              .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
              .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
      EMBEDDED_BROKER_CONFIG.forEach(builder::setConfigProp);
      cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      closeQuietly(cluster);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot start the embedded Kafka broker", e);
    }
    KafkaClusterTestKit running = cluster;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> closeQuietly(running), "engine-test-kafka-embedded-stop"));
    return new KafkaFixture(FixtureSource.EMBEDDED, cluster.bootstrapServers());
  }

  private static void closeQuietly(KafkaClusterTestKit cluster) {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("stopping the embedded Kafka broker failed", e);
    }
  }
}

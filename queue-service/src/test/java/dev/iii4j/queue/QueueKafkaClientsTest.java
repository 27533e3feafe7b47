package dev.iii4j.queue;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.iii4j.queue.kafka.KafkaQueueBackend;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.KafkaFixture;
import dev.iii4j.testing.ServiceWithClient;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Kafka clients come from micronaut-kafka's configuration ({@code kafka.*}), so settings such
 * as SASL reach them, their metrics reach {@code /prometheus}, and topics take the cluster's
 * defaults unless configured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueueKafkaClientsTest {
  private ServiceWithClient stack;
  private ApplicationContext service;
  private EngineWorker client;

  @BeforeAll
  void start() throws Exception {
    stack =
        ServiceWithClient.start(
            gw ->
                QueueTestSupport.startService(
                    gw,
                    QueueTestSupport.prefix(),
                    Map.of(
                        // A SASL setting that the PLAINTEXT test broker ignores: it must still
                        // reach
                        // every client's configuration.
                        "kafka." + SaslConfigs.SASL_MECHANISM,
                        "SCRAM-SHA-512",
                        // A producer tunable the configuration may change ...
                        "kafka.producers.default." + ProducerConfig.LINGER_MS_CONFIG,
                        "7",
                        // ... and a delivery guarantee it may not.
                        "kafka.producers.default." + ProducerConfig.ACKS_CONFIG,
                        "0",
                        "kafka.consumers.default." + ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        "33")),
            "queue-kafka-clients-test",
            QueueTestSupport::awaitReady);
    service = stack.service();
    client = stack.client();
  }

  @AfterAll
  void stop() {
    ServiceWithClient.close(stack);
  }

  @Test
  void aSaslSettingReachesTheProducerAndConsumerConfiguration() {
    KafkaQueueBackend backend = service.getBean(KafkaQueueBackend.class);

    Map<String, Object> producer = backend.producerConfig();
    assertThat(producer)
        .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "7")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        // No client telemetry pushed to the broker: it cost a String.format per network poll.
        .containsEntry(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
    assertThat(String.valueOf(producer.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)))
        .isEqualTo(KafkaFixture.instance().bootstrapServers());

    Map<String, Object> consumer =
        backend.consumerConfig(
            Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500),
            Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    assertThat(consumer)
        .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
        .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "33")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
  }

  @Test
  void kafkaClientMetricsAppearInPrometheus() throws Exception {
    // A consumer exists once a function consumes a queue.
    client.registerFunction("test::kafka-metrics", in -> null);
    client
        .enqueue("default", "test::kafka-metrics", SerdeTrees.sdk(QueueTestSupport.json("n", 1)))
        .get(10, SECONDS);
    URI prometheus = service.getBean(EmbeddedServer.class).start().getURI().resolve("/prometheus");
    HttpClient http = HttpClient.newHttpClient();
    await("Kafka client metrics in /prometheus")
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              String body =
                  http.send(
                          HttpRequest.newBuilder(prometheus).build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body();
              assertThat(body).containsPattern("(?m)^kafka_producer_\\w+");
              assertThat(body).containsPattern("(?m)^kafka_consumer_\\w+");
            });
  }

  @Test
  void topicsTakeTheClustersDefaultPartitionsUnlessConfigured() throws Exception {
    KafkaQueueBackend backend = service.getBean(KafkaQueueBackend.class);
    Destination destination = Destination.queue("cluster-default");

    backend.declare(destination, null);

    String main = backend.topicsOf(destination).get(0);
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaFixture.instance().bootstrapServers()))) {
      // A topic just created may be unknown to the broker's metadata for a moment on a busy
      // machine.
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                int partitions =
                    admin
                        .describeTopics(List.of(main))
                        .allTopicNames()
                        .get(10, SECONDS)
                        .get(main)
                        .partitions()
                        .size();
                // The test broker's num.partitions is Kafka's default, 1; the old fixed default
                // was 3.
                assertThat(partitions).isEqualTo(1);
              });
    }
  }
}

package dev.iii4j.testing;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaFixtureTest {
  private final KafkaFixture kafka = KafkaFixture.instance();

  @Test
  void createsATopicWithTheRequestedPartitions() throws Exception {
    String topic = kafka.createTopic(kafka.uniqueName("created"), 3);

    try (Admin admin = admin()) {
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get(10, SECONDS).get(topic);
      assertThat(description.partitions()).hasSize(3);
      assertThat(description.partitions()).allSatisfy(p -> assertThat(p.leader()).isNotNull());
    }
  }

  @Test
  void deliversARecordProducedWithAcksAllToAConsumerGroup() throws Exception {
    String topic = kafka.createTopic(kafka.uniqueName("round-trip"), 1);
    String group = kafka.uniqueName("group");

    RecordMetadata sent;
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new StringSerializer(),
            new StringSerializer())) {
      sent = producer.send(new ProducerRecord<>(topic, "key-1", "{\"n\":1}")).get(10, SECONDS);
    }
    assertThat(sent.offset()).isZero();

    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> received = new ArrayList<>();
      await()
          .atMost(10, SECONDS)
          .pollInSameThread()
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
              });
      assertThat(received)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.key()).isEqualTo("key-1");
                assertThat(r.value()).isEqualTo("{\"n\":1}");
              });
      consumer.commitSync();
    }

    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, SECONDS);
      assertThat(committed.get(new TopicPartition(topic, 0)).offset()).isEqualTo(1);
    }
  }

  @Test
  void isOnePerJvmEvenWhenAskedConcurrently() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<KafkaFixture>> calls =
          IntStream.range(0, 8)
              .<Callable<KafkaFixture>>mapToObj(i -> KafkaFixture::instance)
              .toList();
      for (Future<KafkaFixture> result : pool.invokeAll(calls)) {
        assertThat(result.get()).isSameAs(kafka);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(KafkaFixture.instance().bootstrapServers()).isEqualTo(kafka.bootstrapServers());
  }

  @Test
  void makesUniqueLegalNames() {
    assertThat(kafka.uniqueName("orders")).matches("orders-[0-9a-f]{16}");
    assertThat(kafka.uniqueName("orders")).isNotEqualTo(kafka.uniqueName("orders"));
    assertThatThrownBy(() -> kafka.uniqueName("no spaces"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesToCreateATopicTwice() {
    String topic = kafka.createTopic(kafka.uniqueName("twice"), 1);
    assertThatThrownBy(() -> kafka.createTopic(topic, 1)).isInstanceOf(IllegalStateException.class);
  }

  private Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }
}

package dev.iii4j.queue.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iii4j.queue.Destination;
import dev.iii4j.queue.Job;
import dev.iii4j.queue.QueueBackendException;
import dev.iii4j.queue.config.QueueServiceProperties;
import io.micronaut.configuration.kafka.config.DefaultKafkaConsumerConfiguration;
import io.micronaut.configuration.kafka.config.DefaultKafkaProducerConfiguration;
import io.micronaut.configuration.kafka.config.KafkaDefaultConfiguration;
import io.micronaut.context.ApplicationContext;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An enqueue is answered "not stored" within {@code engine.queue.enqueue-timeout} when Kafka does
 * not answer, well before a caller's 30 s timeout, so no caller gives up on a message that is then
 * stored after all.
 */
class EnqueueTimeoutTest {

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void anEnqueueToAnUnreachableKafkaFailsWithinTheEnqueueTimeout() throws Exception {
    Duration enqueueTimeout = Duration.ofSeconds(4);
    QueueServiceProperties properties =
        new QueueServiceProperties(
            URI.create("ws://127.0.0.1:1/"),
            null,
            "queue-service",
            "t.",
            1,
            (short) 1,
            100,
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            enqueueTimeout,
            Duration.ofSeconds(6));
    try (ApplicationContext context =
        ApplicationContext.run(
            Map.of(
                "kafka.bootstrap.servers",
                "127.0.0.1:" + closedPort(),
                "kafka.health.enabled",
                false))) {
      KafkaDefaultConfiguration kafka = context.getBean(KafkaDefaultConfiguration.class);
      KafkaQueueBackend backend =
          new KafkaQueueBackend(
              properties,
              kafka,
              new DefaultKafkaProducerConfiguration<>(kafka),
              new DefaultKafkaConsumerConfiguration<>(kafka),
              ObjectMapper.getDefault());
      try {
        Job job =
            new Job(
                "job-1",
                "default",
                "test::fn",
                null,
                null,
                null,
                null,
                null,
                0,
                System.currentTimeMillis(),
                null);
        long started = System.nanoTime();
        var sent = backend.send(Destination.queue("default"), job);
        assertThatThrownBy(() -> sent.get(enqueueTimeout.toSeconds() + 5, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(QueueBackendException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(enqueueTimeout);
      } finally {
        backend.close();
      }
    }
  }
}

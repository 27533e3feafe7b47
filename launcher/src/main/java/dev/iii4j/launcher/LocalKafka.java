package dev.iii4j.launcher;

import dev.iii4j.process.ChildProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka broker as a child JVM, with the Kafka project's own jars (from Maven
 * Central, on the launcher's class path). Storage is formatted once and kept between runs.
 */
final class LocalKafka {
  private final Path dir;
  private final int port;
  private final int controllerPort;
  private ChildProcess broker;

  LocalKafka(Path dataDir, int port, int controllerPort) {
    this.dir = dataDir.resolve("kafka");
    this.port = port;
    this.controllerPort = controllerPort;
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  ChildProcess start(String javaBin, String classpath, Path logs)
      throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("logs"));
    Path config = dir.resolve("server.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
            "log.dirs=" + dir.resolve("logs").toAbsolutePath(),
            "num.partitions=3",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=3",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=true",
            ""),
        StandardCharsets.UTF_8);
    Path log = logs.resolve("kafka.log");
    if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
      ChildProcess format =
          ChildProcess.start(
              "kafka-format",
              List.of(
                  javaBin,
                  "-cp",
                  classpath,
                  "kafka.tools.StorageTool",
                  "format",
                  // The "=" form: a cluster id is base64 and could otherwise be read as a flag.
                  "--cluster-id=" + Uuid.randomUuid(),
                  "--config=" + config),
              Map.of(),
              log);
      format.awaitExit(Duration.ofSeconds(60));
    }
    broker =
        ChildProcess.start(
            "kafka",
            List.of(javaBin, "-Xmx512m", "-cp", classpath, "kafka.Kafka", config.toString()),
            Map.of(),
            log);
    awaitPort(Duration.ofSeconds(60));
    return broker;
  }

  private void awaitPort(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!broker.alive()) {
        throw new IllegalStateException(
            "Kafka exited; see " + broker.log() + "\n" + broker.tail(20));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        TimeUnit.MILLISECONDS.sleep(250);
      }
    }
    throw new IllegalStateException("Kafka did not open port " + port + "; see " + broker.log());
  }
}

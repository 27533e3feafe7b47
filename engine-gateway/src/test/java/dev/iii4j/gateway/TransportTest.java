package dev.iii4j.gateway;

import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.iii4j.gateway.ws.WorkerListener;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.UpgradeHeaders;
import io.micronaut.context.ApplicationContext;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/** The worker listener on each socket transport and thread count it can be configured with. */
class TransportTest {

  @ParameterizedTest(name = "native transport {0}, {1} socket threads")
  @CsvSource({"true, 1, epoll", "false, 1, NIO", "true, 0, epoll", "false, 3, NIO"})
  void routesACallBetweenTwoConnections(boolean nativeTransport, int threads, String expected) {
    Logger logger = (Logger) LoggerFactory.getLogger(WorkerListener.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    try (ApplicationContext gateway =
            TestGateway.run(
                Map.of(
                    "engine.gateway.native-transport", nativeTransport,
                    "engine.gateway.io-threads", threads));
        RawWorker executor = RawWorker.connect(TestGateway.port(gateway));
        RawWorker caller = RawWorker.connect(TestGateway.port(gateway))) {
      int expectedThreads =
          threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
      assertThat(log.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .contains(
              "worker connections served by "
                  + expectedThreads
                  + " socket threads ("
                  + expected
                  + ")");

      String fn = "transport::echo-" + UUID.randomUUID();
      executor.send(new Message.RegisterFunction(fn));
      executor.sync();
      for (int i = 0; i < 20; i++) {
        String id = UUID.randomUUID().toString();
        caller.send(new Message.InvokeFunction(id, fn, RawWorker.CODEC.parseTree("[" + i + "]")));
        var inbound = executor.next(Message.InvokeFunction.class);
        executor.send(Message.InvocationResult.success(id, fn, inbound.data()));
        var result = caller.next(Message.InvocationResult.class);
        assertThat(result.invocationId()).isEqualTo(id);
        assertThatJson(RawWorker.CODEC.writeJson(result.result())).isEqualTo("[" + i + "]");
      }
    } finally {
      logger.detachAppender(log);
    }
  }

  @Test
  void sendsBinaryFramesToPeersThatAskForThem() {
    try (ApplicationContext gateway = TestGateway.run(Map.of());
        RawWorker executor =
            RawWorker.connect(
                TestGateway.port(gateway),
                Map.of(UpgradeHeaders.FRAMES, UpgradeHeaders.BINARY_FRAMES));
        RawWorker caller = RawWorker.connect(TestGateway.port(gateway));
        RawWorker other =
            RawWorker.connect(TestGateway.port(gateway), Map.of(UpgradeHeaders.FRAMES, "text"))) {
      String fn = "transport::binary-" + UUID.randomUUID();
      executor.send(new Message.RegisterFunction(fn));
      executor.sync();
      String id = UUID.randomUUID().toString();
      // An array, so the gateway adds no caller id: the payload comes back exactly.
      String payload = "[\"h\u00e9llo \ud83d\ude00\",12345678901234567890,1.5]";
      caller.send(new Message.InvokeFunction(id, fn, RawWorker.CODEC.parseTree(payload)));
      var inbound = executor.next(Message.InvokeFunction.class);
      assertThatJson(RawWorker.CODEC.writeJson(inbound.data())).isEqualTo(payload);
      executor.send(Message.InvocationResult.success(id, fn, inbound.data()));
      var result = caller.next(Message.InvocationResult.class);
      assertThatJson(RawWorker.CODEC.writeJson(result.result())).isEqualTo(payload);
      other.sync();

      // workerregistered, the pong and the invocation: all binary for the peer that asked.
      assertThat(executor.binaryMessages).hasValueGreaterThanOrEqualTo(3);
      assertThat(executor.textMessages).hasValue(0);
      // Peers that did not ask (the official SDKs) or asked for anything else get text.
      assertThat(caller.textMessages).hasValueGreaterThanOrEqualTo(2);
      assertThat(caller.binaryMessages).hasValue(0);
      assertThat(other.textMessages).hasValueGreaterThanOrEqualTo(2);
      assertThat(other.binaryMessages).hasValue(0);
    }
  }
}

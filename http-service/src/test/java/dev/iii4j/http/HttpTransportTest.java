package dev.iii4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.iii4j.http.netty.PublicHttpServer;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.testing.GatewayHarness;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/** The public API on each socket transport it can be configured with. */
class HttpTransportTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @ParameterizedTest(name = "native transport {0}")
  @CsvSource({"true, epoll", "false, NIO"})
  void servesARouteOn(boolean nativeTransport, String expected) throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(PublicHttpServer.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    try (GatewayHarness gateway = GatewayHarness.start();
        HttpServiceInstance service =
            HttpServiceInstance.start(
                gateway,
                Map.of(
                    "engine.http.native-transport",
                    nativeTransport,
                    "engine.http.io-threads",
                    1))) {
      assertThat(log.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(
              m ->
                  m.startsWith("HTTP API listening on ")
                      && m.endsWith("(" + expected + ", 1 socket threads)"));
      EngineWorker client = gateway.worker("transport-client");
      client.start().get(10, TimeUnit.SECONDS);
      String path = HttpTriggerTest.helloRoute(client, service, "transport").path();
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> response =
            HTTP.send(
                HttpRequest.newBuilder(service.uri(path + "/ann"))
                    .timeout(Duration.ofSeconds(15))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"hello\":{\"who\":\"ann\"}}");
      }
    } finally {
      logger.detachAppender(log);
    }
  }
}

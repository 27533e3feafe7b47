package dev.iii4j.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.iii4j.observability.config.ObservabilityProperties;
import dev.iii4j.ops.JsonText;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the service ingests, spans, log records and metrics, reaches a real OTLP/HTTP receiver (a
 * server this test starts) as protobuf, with the configured headers and each record's own service
 * name and instrumentation scope.
 */
class OtlpExportTest {
  private static final String TRACE = "5bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "10f067aa0ba902b7";

  private record Received(String path, String authorization, byte[] body) {}

  @Test
  void ingestedSpansLogRecordsAndMetricsAreExportedOverOtlpHttp() throws Exception {
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/",
        exchange -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          exchange.getRequestBody().transferTo(body);
          received.add(
              new Received(
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("authorization"),
                  body.toByteArray()));
          exchange.getResponseHeaders().add("content-type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, 0);
          exchange.close();
        });
    receiver.start();
    try (GatewayHarness gateway = GatewayHarness.start();
        ApplicationContext service =
            ServiceHarness.service(Application.ENVIRONMENT, ObservabilityProperties.PREFIX)
                .gateway(gateway)
                .database(PostgresFixture.instance().createDatabase("observability_export"))
                .property(
                    "otel.exporter.otlp.endpoint",
                    "http://127.0.0.1:" + receiver.getAddress().getPort())
                .property("otel.exporter.otlp.protocol", "http/protobuf")
                .property("otel.exporter.otlp.headers", "authorization=Bearer test-token")
                .start();
        EngineWorker client = gateway.serviceWorker("export-test")) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> gateway.hasFunction("engine::observability::ingest"));
      client.start().get(10, TimeUnit.SECONDS);
      client
          .call(
              "engine::observability::ingest",
              SerdeTrees.sdk(
                  JsonText.parse(
                      "{\"spans\":[{\"trace_id\":\""
                          + TRACE
                          + "\",\"span_id\":\""
                          + SPAN
                          + "\",\"parent_span_id\":null,\"name\":\"call orders::create\","
                          + "\"start_time_unix_nano\":1000,\"end_time_unix_nano\":2000,"
                          + "\"status\":\"error\",\"status_description\":\"boom\","
                          + "\"attributes\":[[\"function_id\",\"orders::create\"]],"
                          + "\"service_name\":\"checkout\",\"events\":[],\"links\":[],"
                          + "\"instrumentation_scope_name\":\"checkout-lib\","
                          + "\"instrumentation_scope_version\":\"1.2.3\"}],"
                          + "\"logs\":[\""
                          + ("{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":"
                                  + "\"service.name\",\"value\":{\"stringValue\":\"billing\"}}]},"
                                  + "\"scopeLogs\":[{\"scope\":{\"name\":\"billing-lib\","
                                  + "\"version\":\"2.1.0\"},\"logRecords\":[{\"timeUnixNano\":\"1500\","
                                  + "\"severityNumber\":17,\"severityText\":\"ERROR\",\"body\":"
                                  + "{\"stringValue\":\"card declined\"},\"traceId\":\""
                                  + TRACE
                                  + "\",\"spanId\":\""
                                  + SPAN
                                  + "\",\"attributes\":[{\"key\":\"order\",\"value\":"
                                  + "{\"intValue\":\"7\"}}]}]}]}]}")
                              .replace("\"", "\\\"")
                          + "\"],\"metrics\":[\""
                          + ("{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":"
                                  + "\"service.name\",\"value\":{\"stringValue\":\"payments\"}}]},"
                                  + "\"scopeMetrics\":[{\"scope\":{\"name\":\"payments-lib\","
                                  + "\"version\":\"3.4.5\"},\"metrics\":[{\"name\":\"orders.placed\","
                                  + "\"unit\":\"{order}\",\"sum\":{\"isMonotonic\":true,"
                                  + "\"aggregationTemporality\":1,\"dataPoints\":[{\"asDouble\":"
                                  + "42.5,\"timeUnixNano\":\"1500\",\"attributes\":[{\"key\":"
                                  + "\"region\",\"value\":{\"stringValue\":\"eu\"}}]}]}}]}]}]}")
                              .replace("\"", "\\\"")
                          + "\"]}")))
          .get(20, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  received.stream().anyMatch(r -> r.path().equals("/v1/traces"))
                      && received.stream().anyMatch(r -> r.path().equals("/v1/logs"))
                      && received.stream().anyMatch(r -> r.path().equals("/v1/metrics")));
      Received metrics =
          received.stream().filter(r -> r.path().equals("/v1/metrics")).findFirst().orElseThrow();
      assertThat(metrics.authorization()).isEqualTo("Bearer test-token");
      byte[] value = new byte[8];
      ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).putDouble(42.5);
      assertThat(new String(metrics.body(), StandardCharsets.ISO_8859_1))
          .contains("orders.placed")
          .contains("{order}")
          .contains("payments")
          .contains("region")
          .contains("payments-lib")
          .contains("3.4.5")
          .contains(new String(value, StandardCharsets.ISO_8859_1));
      Received logs =
          received.stream().filter(r -> r.path().equals("/v1/logs")).findFirst().orElseThrow();
      assertThat(logs.authorization()).isEqualTo("Bearer test-token");
      assertThat(new String(logs.body(), StandardCharsets.ISO_8859_1))
          .contains("card declined")
          .contains("billing")
          .contains("ERROR")
          .contains("billing-lib")
          .contains("2.1.0")
          .contains("order")
          .contains(new String(HexFormat.of().parseHex(TRACE), StandardCharsets.ISO_8859_1));
      Received request =
          received.stream().filter(r -> r.path().equals("/v1/traces")).findFirst().orElseThrow();
      assertThat(request.authorization()).isEqualTo("Bearer test-token");
      String body = new String(request.body(), StandardCharsets.ISO_8859_1);
      assertThat(body)
          .contains("call orders::create")
          .contains("checkout")
          .contains("boom")
          .contains("checkout-lib")
          .contains("1.2.3")
          .contains(new String(HexFormat.of().parseHex(TRACE), StandardCharsets.ISO_8859_1))
          .contains(new String(HexFormat.of().parseHex(SPAN), StandardCharsets.ISO_8859_1));
    } finally {
      receiver.stop(0);
    }
  }
}

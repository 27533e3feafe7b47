package dev.iii4j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.telemetry.TelemetryForwarder;
import dev.iii4j.gateway.ws.WorkerListener;
import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.WorkerOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's span of a routed call (parent from the caller's traceparent, handed on to the
 * executor, outcome recorded) and the {@code /otel} frames, both forwarded to the ingest function
 * of whoever provides it; nothing provides it, the batch is dropped and counted.
 */
class TelemetryTest {
  private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";

  private ApplicationContext gateway;
  private final List<EngineWorker> workers = new CopyOnWriteArrayList<>();
  private final List<JsonNode> batches = new CopyOnWriteArrayList<>();
  private final List<String> seenTraceparents = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    workers.forEach(EngineWorker::close);
    if (gateway != null) {
      gateway.close();
    }
  }

  private int start(boolean telemetry) {
    gateway =
        ApplicationContext.run(
            Map.of(
                "engine.gateway.port",
                0,
                "engine.gateway.host",
                "127.0.0.1",
                "engine.gateway.telemetry.enabled",
                telemetry,
                "engine.gateway.telemetry.flush-interval",
                "50ms",
                "micronaut.server.port",
                -1));
    return gateway.getBean(WorkerListener.class).port();
  }

  private EngineWorker worker(int port, String name) {
    EngineWorker worker =
        EngineWorker.create(
            WorkerOptions.builder(URI.create("ws://127.0.0.1:" + port + "/"))
                .workerName(name)
                .build());
    workers.add(worker);
    return worker;
  }

  private void provideIngest(int port) throws Exception {
    EngineWorker observability = worker(port, "observability");
    observability.registerFunction(
        TelemetryForwarder.INGEST,
        FunctionHandler.sync(
            batch -> {
              batches.add(batch);
              return null;
            }));
    observability.start().get(10, TimeUnit.SECONDS);
  }

  private EngineWorker app(int port) throws Exception {
    EngineWorker app = worker(port, "app");
    app.registerFunction(
        "app::hello",
        invocation -> {
          seenTraceparents.add(String.valueOf(invocation.traceparent()));
          return java.util.concurrent.CompletableFuture.completedFuture(
              dev.iii4j.protocol.Json.nodes().textNode("hi"));
        });
    app.start().get(10, TimeUnit.SECONDS);
    return app;
  }

  @Test
  void aRoutedCallGetsAnEngineSpanUnderTheCallersAndTheExecutorContinuesIt() throws Exception {
    int port = start(true);
    provideIngest(port);
    EngineWorker app = app(port);
    String traceparent = "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01";
    app.call(
            "app::hello",
            new com.fasterxml.jackson.databind.node.ObjectNode(
                dev.iii4j.protocol.Json.nodes(), Map.of()),
            CallOptions.defaults().withTraceparent(traceparent))
        .get(10, TimeUnit.SECONDS);
    JsonNode span = awaitSpan("call app::hello");
    assertThat(span.get("trace_id").textValue()).isEqualTo(CALLER_TRACE);
    assertThat(span.get("parent_span_id").textValue()).isEqualTo(CALLER_SPAN);
    assertThat(span.get("status").textValue()).isEqualTo("ok");
    assertThat(
            span.get("end_time_unix_nano").longValue()
                >= span.get("start_time_unix_nano").longValue())
        .isTrue();
    assertThat(seenTraceparents)
        .containsExactly("00-" + CALLER_TRACE + "-" + span.get("span_id").textValue() + "-01");

    // A failed call records the error code; a call without a context starts a trace.
    app.call("app::missing", null).handle((r, e) -> null).get(10, TimeUnit.SECONDS);
    JsonNode missing = awaitSpan("call app::missing");
    assertThat(missing.get("status").textValue()).isEqualTo("error");
    assertThat(missing.get("parent_span_id").isNull()).isTrue();
    assertThat(dev.iii4j.protocol.Json.text(missing.get("attributes")))
        .contains("function_not_found");
  }

  @Test
  void otelFramesReachTheIngestFunctionAsText() throws Exception {
    int port = start(true);
    provideIngest(port);
    WebSocket otel =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(URI.create("ws://127.0.0.1:" + port + "/otel"), new WebSocket.Listener() {})
            .get(10, TimeUnit.SECONDS);
    otel.sendBinary(
            ByteBuffer.wrap("LOGS{\"resourceLogs\":[]}".getBytes(StandardCharsets.UTF_8)), true)
        .get(10, TimeUnit.SECONDS);
    otel.sendBinary(
            ByteBuffer.wrap("OTLP{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8)), true)
        .get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> texts("logs").contains("{\"resourceLogs\":[]}"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> texts("traces").contains("{\"resourceSpans\":[]}"));
    otel.abort();
  }

  @Test
  void withoutAnObservabilityServiceBatchesAreDroppedAndCounted() throws Exception {
    int port = start(true);
    EngineWorker app = app(port);
    app.call("app::hello", null).get(10, TimeUnit.SECONDS);
    MeterRegistry meters = gateway.getBean(MeterRegistry.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                meters.find("iii.telemetry.dropped").tag("reason", "no_service").counter() != null
                    && meters
                            .find("iii.telemetry.dropped")
                            .tag("reason", "no_service")
                            .counter()
                            .count()
                        >= 1);
  }

  @Test
  void refusedBatchesAreCountedAndLoggedAtWarnRateLimited() throws Exception {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(TelemetryForwarder.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      int port = start(true);
      EngineWorker observability = worker(port, "observability");
      observability.registerFunction(
          TelemetryForwarder.INGEST,
          FunctionHandler.sync(
              batch -> {
                throw new IllegalStateException("store down");
              }));
      observability.start().get(10, TimeUnit.SECONDS);
      EngineWorker app = app(port);
      MeterRegistry meters = gateway.getBean(MeterRegistry.class);
      // Several batches (one per flush interval), each refused.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                app.call("app::hello", null).get(10, TimeUnit.SECONDS);
                var counter =
                    meters.find("iii.telemetry.dropped").tag("reason", "failed").counter();
                return counter != null && counter.count() >= 5;
              });
      List<ch.qos.logback.classic.spi.ILoggingEvent> warnings =
          appender.list.stream()
              .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
              .toList();
      assertThat(warnings).isNotEmpty();
      assertThat(warnings.get(0).getFormattedMessage())
          .contains("the observability service refused")
          .contains("store down");
      // One line at once, then at most one per interval however many batches were refused.
      assertThat(warnings).hasSizeLessThanOrEqualTo(3);
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void telemetryOffLeavesTheCallersContextAsItIs() throws Exception {
    int port = start(false);
    provideIngest(port);
    EngineWorker app = app(port);
    String traceparent = "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01";
    app.call("app::hello", null, CallOptions.defaults().withTraceparent(traceparent))
        .get(10, TimeUnit.SECONDS);
    assertThat(seenTraceparents).containsExactly(traceparent);
    assertThat(gateway.getBean(TelemetryForwarder.class).enabled()).isFalse();
  }

  private JsonNode awaitSpan(String name) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              for (JsonNode batch : batches) {
                for (JsonNode span : batch.get("spans")) {
                  if (span.get("name").textValue().equals(name)) {
                    found[0] = span;
                    return true;
                  }
                }
              }
              return false;
            });
    return found[0];
  }

  private List<String> texts(String field) {
    return batches.stream()
        .flatMap(b -> java.util.stream.StreamSupport.stream(b.get(field).spliterator(), false))
        .map(JsonNode::textValue)
        .toList();
  }
}

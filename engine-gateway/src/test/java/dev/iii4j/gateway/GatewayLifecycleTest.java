package dev.iii4j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iii4j.gateway.ws.WorkerListener;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.Message;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Start, readiness, and graceful stop of a whole gateway. */
class GatewayLifecycleTest {

  private static ApplicationContext start() {
    return ApplicationContext.run(
            EmbeddedServer.class,
            Map.of(
                "engine.gateway.port",
                0,
                "engine.gateway.host",
                "127.0.0.1",
                "micronaut.server.port",
                -1))
        .getApplicationContext();
  }

  @Test
  void reportsReadinessWithTheWorkerPortOnTheManagementPort() throws Exception {
    try (ApplicationContext context = start()) {
      int managementPort = context.getBean(EmbeddedServer.class).getPort();
      int workerPort = context.getBean(WorkerListener.class).port();
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + managementPort + "/health/readiness"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"UP\"").contains("\"port\":" + workerPort);
    }
  }

  @Test
  void refusesToStartWithAKnownDefaultOrShortServiceToken() {
    assertThatThrownBy(() -> startWithToken("change-me", false))
        .hasStackTraceContaining("III_SERVICE_TOKEN is a well-known default")
        .hasStackTraceContaining("III_ALLOW_WEAK_SERVICE_TOKEN=true");
    assertThatThrownBy(() -> startWithToken("abcdefgh12345", false))
        .hasStackTraceContaining("III_SERVICE_TOKEN has 13 characters, fewer than 16");
  }

  @Test
  void startsWithAWeakServiceTokenOnlyWhenExplicitlyAllowed() {
    try (ApplicationContext context = startWithToken("change-me", true)) {
      assertThat(context.getBean(WorkerListener.class).port()).isPositive();
    }
    try (ApplicationContext context = startWithToken("a-random-0123456789", false)) {
      assertThat(context.getBean(WorkerListener.class).port()).isPositive();
    }
  }

  private static ApplicationContext startWithToken(String token, boolean allowWeak) {
    return ApplicationContext.run(
        Map.of(
            "engine.gateway.port",
            0,
            "engine.gateway.host",
            "127.0.0.1",
            "engine.gateway.service-token",
            token,
            "engine.gateway.allow-weak-service-token",
            allowWeak));
  }

  @Test
  void unknownPathsGetAJson404AndPlainHttpA426() throws Exception {
    try (ApplicationContext context = start()) {
      int workerPort = context.getBean(WorkerListener.class).port();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> notFound =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + workerPort + "/nope"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(notFound.statusCode()).isEqualTo(404);
      assertThat(notFound.body()).contains("NOT_FOUND");
      HttpResponse<String> plain =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + workerPort + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(plain.statusCode()).isEqualTo(426);
    }
  }

  @Test
  void acceptsTheTelemetrySocketWithoutRegisteringAWorker() throws Exception {
    try (ApplicationContext context = start()) {
      int workerPort = context.getBean(WorkerListener.class).port();
      var socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + workerPort + "/otel"),
                  new java.net.http.WebSocket.Listener() {})
              .get(5, TimeUnit.SECONDS);
      socket
          .sendBinary(
              java.nio.ByteBuffer.wrap("OTLP{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
              true)
          .get(5, TimeUnit.SECONDS);
      socket
          .sendText("{\"type\":\"registerfunction\",\"id\":\"otel::nope\"}", true)
          .get(5, TimeUnit.SECONDS);
      try (RawWorker worker = RawWorker.connect(workerPort)) {
        worker.send(new Message.InvokeFunction(UUID.randomUUID().toString(), "otel::nope", null));
        assertThat(worker.next(Message.InvocationResult.class).error().code())
            .isEqualTo("function_not_found");
      }
      socket.abort();
    }
  }

  @Test
  void stoppingFailsCallsInFlightAndClosesConnectionsWith1001() throws Exception {
    ApplicationContext context = start();
    int port = context.getBean(WorkerListener.class).port();
    try (RawWorker executor = RawWorker.connect(port);
        RawWorker caller = RawWorker.connect(port)) {
      executor.send(new Message.RegisterFunction("slow::work"));
      executor.sync();
      String id = UUID.randomUUID().toString();
      caller.send(new Message.InvokeFunction(id, "slow::work", null));
      executor.next(Message.InvokeFunction.class);
      context.close();
      var result = caller.next(Message.InvocationResult.class);
      assertThat(result.invocationId()).isEqualTo(id);
      assertThat(result.error())
          .isEqualTo(new ErrorBody("engine_shutting_down", "The engine is shutting down"));
      assertThat(caller.closeCode.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
    }
  }

  @Test
  void anOptionalServerSideDeadlineEndsCallsThatNeverAnswer() {
    try (ApplicationContext context =
        ApplicationContext.run(
            Map.of(
                "engine.gateway.port", 0,
                "engine.gateway.invocation-timeout", "300ms",
                "micronaut.server.port", -1))) {
      int port = context.getBean(WorkerListener.class).port();
      try (RawWorker executor = RawWorker.connect(port);
          RawWorker caller = RawWorker.connect(port)) {
        executor.send(new Message.RegisterFunction("silent::fn"));
        executor.sync();
        String id = UUID.randomUUID().toString();
        caller.send(new Message.InvokeFunction(id, "silent::fn", null));
        executor.next(Message.InvokeFunction.class);
        var result = caller.next(Message.InvocationResult.class);
        assertThat(result.error().code()).isEqualTo("invocation_timeout");
        assertThat(result.error().message()).contains("silent::fn").contains("300 ms");
      }
    }
  }

  @Test
  void exportsInvocationAndConnectionMetricsForPrometheus() throws Exception {
    try (ApplicationContext context = start()) {
      int managementPort = context.getBean(EmbeddedServer.class).getPort();
      int port = context.getBean(WorkerListener.class).port();
      try (RawWorker executor = RawWorker.connect(port);
          RawWorker caller = RawWorker.connect(port)) {
        executor.send(new Message.RegisterFunction("metered::fn"));
        executor.sync();
        String ok = UUID.randomUUID().toString();
        caller.send(new Message.InvokeFunction(ok, "metered::fn", null));
        executor.next(Message.InvokeFunction.class);
        executor.send(Message.InvocationResult.success(ok, "metered::fn", null));
        caller.next(Message.InvocationResult.class);
        caller.send(
            new Message.InvokeFunction(UUID.randomUUID().toString(), "metered::missing", null));
        caller.next(Message.InvocationResult.class);
        String body =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + managementPort + "/prometheus"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(body)
            .contains("iii_workers_connected 2.0")
            .containsPattern(
                "iii_invocations_seconds_count\\{[^}]*executor=\"worker\",function=\"metered::fn\",outcome=\"ok\"[^}]*\\} 1")
            .containsPattern(
                "iii_invocations_seconds_count\\{[^}]*function=\"metered::missing\",outcome=\"function_not_found\"[^}]*\\} 1");
      }
    }
  }
}

package dev.iii4j.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.iii4j.cron.CronScheduler;
import dev.iii4j.observability.config.ObservabilityProperties;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.state.StateService;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.clients.StreamSocketServer;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.PostgresFixture;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the Node compatibility suite ({@code compat/node}, the official {@code iii-sdk@0.22.1}
 * client) against a real gateway in this JVM, with a Java SDK worker connected beside it so the two
 * SDKs call each other. Each Node test becomes one JUnit result.
 */
class NodeSdkCompatibilityTest {
  private static final Pattern TAP_RESULT =
      Pattern.compile("^(\\s*)(not )?ok \\d+ - (.*?)(?: # (SKIP|TODO).*)?$");
  private static final Duration SUITE_TIMEOUT = Duration.ofMinutes(6);

  private static GatewayHarness gateway;
  private static ApplicationContext stateService;
  private static ApplicationContext queueService;
  private static ApplicationContext cronService;
  private static ApplicationContext httpService;
  private static ApplicationContext streamService;
  private static ApplicationContext observabilityService;
  private static EngineWorker javaWorker;
  private static HttpServer control;
  private static final List<String> output = new ArrayList<>();
  private static int exitCode;

  @BeforeAll
  static void runSuite() throws Exception {
    gateway = GatewayProcess.start();
    stateService = startStateService(gateway);
    cronService = startCronService(gateway);
    streamService = startStreamService(gateway);
    observabilityService = startObservabilityService(gateway);
    javaWorker = gateway.worker("compat-java");
    javaWorker.registerFunction(
        "compat::java::echo", FunctionHandler.sync(NodeSdkCompatibilityTest::echo));
    javaWorker.registerFunction(
        "compat::java::call-node",
        invocation -> {
          JsonNode input = invocation.data();
          String target = input.get("function_id").textValue();
          return javaWorker
              .call(target, input.get("payload"))
              .thenApply(result -> object(Map.of("from_node", orNull(result))));
        });
    javaWorker.start().get(10, TimeUnit.SECONDS);
    queueService = QueueServiceProcess.start(gateway);
    httpService = HttpServiceProcess.start(gateway);

    control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    control.createContext(
        "/restart-gateway",
        exchange -> {
          gateway.restart();
          byte[] body = "{\"restarted\":true}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    control.start();

    Path nodeDir = Path.of(System.getProperty("compat.node.dir", "node"));
    if (!Files.exists(nodeDir.resolve("node_modules/iii-sdk/package.json"))) {
      run(
          nodeDir,
          Map.of(),
          List.of("npm", "ci", "--no-audit", "--no-fund"),
          Duration.ofMinutes(4));
      assertThat(exitCode).as("npm ci in %s", nodeDir).isZero();
      output.clear();
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("III_URL", gateway.url().toString());
    env.put("III_CONTROL_URL", "http://127.0.0.1:" + control.getAddress().getPort());
    env.put("III_JAVA_WORKER", "1");
    env.put("III_RBAC_URL", gateway.url("rbac").toString());
    env.put("III_HTTP_FUNCTIONS", "1");
    env.put("III_STATE", "1");
    env.put("III_QUEUE", "1");
    env.put("III_CRON", "1");
    env.put("III_QUEUE_DLQ", QueueServiceProcess.DEAD_LETTER_QUEUE);
    env.put("III_HTTP_URL", HttpServiceProcess.url(httpService));
    env.put("III_STREAM", "1");
    env.put("III_OBSERVABILITY", "1");
    env.put(
        "III_STREAM_URL",
        "ws://127.0.0.1:" + streamService.getBean(StreamSocketServer.class).port() + "/");
    run(
        nodeDir,
        env,
        List.of(
            "node",
            "--test",
            "--test-concurrency=1",
            "--test-timeout=60000",
            "--test-reporter=tap",
            System.getProperty("compat.node.tests", "test/")),
        SUITE_TIMEOUT);
    Files.write(Path.of("target", "compat-node.log"), output, StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (control != null) {
      control.stop(0);
    }
    if (stateService != null) {
      stateService.close();
    }
    if (queueService != null) {
      queueService.close();
    }
    if (cronService != null) {
      cronService.close();
    }
    if (httpService != null) {
      httpService.close();
    }
    if (streamService != null) {
      streamService.close();
    }
    if (observabilityService != null) {
      observabilityService.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> nodeSdkSuite() {
    List<DynamicTest> tests = new ArrayList<>();
    List<String> path = new ArrayList<>();
    for (int i = 0; i < output.size(); i++) {
      Matcher m = TAP_RESULT.matcher(output.get(i));
      if (!m.matches()) {
        continue;
      }
      int depth = m.group(1).length() / 4;
      while (path.size() > depth) {
        path.remove(path.size() - 1);
      }
      String name = String.join(" > ", path) + (path.isEmpty() ? "" : " > ") + m.group(3);
      boolean failed = m.group(2) != null && m.group(4) == null;
      String detail =
          failed ? String.join("\n", output.subList(i, Math.min(output.size(), i + 40))) : "";
      tests.add(
          DynamicTest.dynamicTest(
              name, () -> assertThat(failed).as("%s\n%s", name, detail).isFalse()));
    }
    tests.add(
        DynamicTest.dynamicTest(
            "node --test exits 0",
            () -> {
              assertThat(output).as("TAP output").anyMatch(l -> TAP_RESULT.matcher(l).matches());
              assertThat(exitCode)
                  .as("node --test exit code; output:\n%s", String.join("\n", output))
                  .isZero();
            }));
    return tests.stream();
  }

  /**
   * The state service in this JVM, as a trusted worker of the gateway, on a fresh database. Its
   * beans live in the {@code state-service} environment, so they stay out of the gateway's context.
   */
  private static ApplicationContext startStateService(GatewayHarness gateway) {
    return ServiceHarness.service(StateService.ENVIRONMENT, "engine.state")
        .gateway(gateway)
        .database(PostgresFixture.instance().createDatabase("compat_state"))
        .start();
  }

  /**
   * The cron service in this JVM, as a trusted worker of the gateway, on a fresh database. Its
   * beans live in the {@code cron-service} environment, apart from the gateway's and the state
   * service's.
   */
  private static ApplicationContext startCronService(GatewayHarness gateway) {
    return ServiceHarness.service(CronScheduler.ENVIRONMENT, "engine.cron")
        .gateway(gateway)
        .database(PostgresFixture.instance().createDatabase("compat_cron"))
        .property("datasources.default.maximum-pool-size", 4)
        .start();
  }

  /**
   * The stream service in this JVM, as a trusted worker of the gateway, on a fresh database, with
   * its client WebSocket on a free port. Its beans live in the {@code stream-service} environment.
   */
  private static ApplicationContext startStreamService(GatewayHarness gateway) {
    return ServiceHarness.service(StreamService.ENVIRONMENT, "engine.stream")
        .gateway(gateway)
        .database(PostgresFixture.instance().createDatabase("compat_stream"))
        .property("datasources.default.maximum-pool-size", 4)
        .property("engine.stream.host", "127.0.0.1")
        .property("engine.stream.port", 0)
        .start();
  }

  /**
   * The observability service in this JVM, on a fresh database: the gateway forwards its own spans
   * and what the Node SDKs send over {@code /otel} to it. Its beans live in the {@code
   * observability-service} environment.
   */
  private static ApplicationContext startObservabilityService(GatewayHarness gateway) {
    ApplicationContext context =
        ServiceHarness.service(
                dev.iii4j.observability.Application.ENVIRONMENT, ObservabilityProperties.PREFIX)
            .gateway(gateway)
            .database(PostgresFixture.instance().createDatabase("compat_observability"))
            .property("datasources.default.maximum-pool-size", 3)
            .start();
    await("observability service registered")
        .atMost(Duration.ofSeconds(30))
        .until(() -> gateway.hasFunction("engine::traces::tree"));
    return context;
  }

  private static JsonNode echo(JsonNode input) {
    Map<String, JsonNode> copy = new LinkedHashMap<>();
    if (input != null && input.isObject()) {
      for (Map.Entry<String, JsonNode> e : input.properties()) {
        if (!e.getKey().equals("_caller_worker_id")) {
          copy.put(e.getKey(), e.getValue());
        }
      }
    }
    copy.put("lang", dev.iii4j.protocol.Json.nodes().textNode("java"));
    return new com.fasterxml.jackson.databind.node.ObjectNode(
        dev.iii4j.protocol.Json.nodes(), copy);
  }

  private static JsonNode object(Map<String, JsonNode> fields) {
    return new com.fasterxml.jackson.databind.node.ObjectNode(
        dev.iii4j.protocol.Json.nodes(), new LinkedHashMap<>(fields));
  }

  private static JsonNode orNull(JsonNode node) {
    return node == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : node;
  }

  private static void run(Path dir, Map<String, String> env, List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run `"
              + command.get(0)
              + "`: Node.js 20+ and npm are needed for the compatibility"
              + " suite (skip it with -DskipCompat=true)",
          e);
    }
    Thread pump =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader reader =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                      System.out.println("[node] " + line);
                      synchronized (output) {
                        output.add(line);
                      }
                    }
                  } catch (IOException ignored) {
                    // The process ended; what was read is kept.
                  }
                });
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      output.add("# killed after " + timeout);
    }
    pump.join(5_000);
    exitCode = process.exitValue();
  }
}

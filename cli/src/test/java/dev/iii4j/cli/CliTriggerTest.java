package dev.iii4j.cli;

import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionDefinition;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.sdk.TriggerTypeProvider;
import dev.iii4j.testing.GatewayHarness;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code iii} process against a real gateway with a Java SDK worker: trigger with every payload
 * source and action, errors and their exit codes, {@code --help} with the registered schemas, and
 * the listings. One gateway for the class; ids carry a random prefix.
 */
class CliTriggerTest {
  private static final String PREFIX = "clitest" + UUID.randomUUID().toString().substring(0, 8);
  private static final String CREATE = PREFIX + "::orders::create";
  private static final String REJECT = PREFIX + "::orders::reject";
  private static final String SLOW = PREFIX + "::orders::slow";
  private static final String RECORD = PREFIX + "::orders::record";
  private static final String TRIGGER_TYPE = PREFIX + "-type";
  private static final String TOPIC = PREFIX + "-topic";
  private static final String WORKER = PREFIX + "-worker";

  private static final String REQUEST_SCHEMA =
      """
      {"type":"object",
       "properties":{"item":{"type":"string","description":"what to order"},
                     "qty":{"type":"integer","minimum":1}},
       "required":["item","qty"]}""";
  private static final String RESPONSE_SCHEMA =
      """
      {"type":"object","properties":{"order_id":{"type":"string"}}}""";

  private static GatewayHarness gateway;
  private static final List<JsonNode> recorded = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startGatewayAndWorker() throws Exception {
    gateway = GatewayHarness.start();
    EngineWorker worker = gateway.worker(WORKER);
    worker.registerFunction(
        FunctionDefinition.of(CREATE)
            .withDescription("Create an order")
            .withRequestFormat(JsonText.parse(REQUEST_SCHEMA))
            .withResponseFormat(JsonText.parse(RESPONSE_SCHEMA)),
        FunctionHandler.sync(
            input ->
                JsonText.object(
                    "order_id",
                    "order-" + input.get("item").textValue(),
                    "qty",
                    input.get("qty"),
                    "note",
                    "ünïcode ✓")));
    worker.registerFunction(
        REJECT,
        invocation -> {
          throw new FunctionException("out_of_stock", "no widgets left");
        });
    worker.registerFunction(SLOW, invocation -> new CompletableFuture<>());
    worker.registerFunction(
        RECORD,
        FunctionHandler.sync(
            input -> {
              recorded.add(input);
              return null;
            }));
    worker.registerTriggerType(TRIGGER_TYPE, "Fires nothing; listed by the CLI test", accepting());
    worker.registerTrigger("subscribe", CREATE, JsonText.object("topic", TOPIC));
    worker.start().get(10, TimeUnit.SECONDS);
    // The gateway applies a connection's frames in order: once this call returns, every
    // registration above is in place for the CLI's own connection.
    worker
        .call("engine::functions::info", JsonText.object("function_id", RECORD))
        .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static TriggerTypeProvider accepting() {
    return new TriggerTypeProvider() {
      @Override
      public CompletionStage<Void> registerTrigger(TriggerBinding binding) {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void unregisterTrigger(TriggerBinding binding) {}
    };
  }

  private static CliProcess cli() {
    return CliProcess.against(gateway.url());
  }

  @Test
  void triggerPrintsTheResultAsPrettyJson() {
    CliProcess.Result r = cli().run("trigger", CREATE, "{\"item\":\"widget\",\"qty\":3}");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout())
        .isEqualTo(
            """
            {
              "order_id": "order-widget",
              "qty": 3,
              "note": "ünïcode ✓"
            }
            """);
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void aFunctionWithoutAResultPrintsNull() {
    CliProcess.Result r = cli().run("trigger", RECORD, "{\"marker\":\"sync\"}");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).isEqualTo("null\n");
  }

  @Test
  void payloadComesFromAFileOrStandardInput() throws IOException {
    Path file = Files.createTempFile(Path.of("target"), "payload", ".json");
    Files.writeString(file, "{\"item\":\"bolt\",\"qty\":2}\n", StandardCharsets.UTF_8);

    CliProcess.Result fromFile = cli().run("trigger", CREATE, "--file", file.toString());
    CliProcess.Result fromStdin =
        cli().stdin("{\"item\":\"nut\",\"qty\":5}").run("trigger", CREATE, "-");

    assertThat(fromFile.exitCode()).as(fromFile.toString()).isZero();
    assertThatJson(fromFile.stdout()).isObject().containsEntry("order_id", "order-bolt");
    assertThat(fromStdin.exitCode()).as(fromStdin.toString()).isZero();
    assertThatJson(fromStdin.stdout()).isObject().containsEntry("order_id", "order-nut");
  }

  @Test
  void aBuiltInFunctionIsCalledLikeAnyOther() {
    CliProcess.Result r =
        cli().run("trigger", "engine::functions::info", "{\"function_id\":\"" + CREATE + "\"}");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThatJson(r.stdout())
        .isObject()
        .containsEntry("function_id", CREATE)
        .containsEntry("worker_name", WORKER);
    assertThatJson(r.stdout()).node("request_schema").isEqualTo(REQUEST_SCHEMA);
  }

  @Test
  void helpShowsTheDescriptionAndSchemasTheWorkerRegistered() {
    CliProcess.Result r = cli().run("trigger", CREATE, "--help");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout())
        .startsWith(CREATE + "  (worker: " + WORKER + ")\n  Create an order\n")
        .contains("Request schema:\n" + JsonText.pretty(JsonText.parse(REQUEST_SCHEMA)) + "\n")
        .contains("Response schema:\n" + JsonText.pretty(JsonText.parse(RESPONSE_SCHEMA)) + "\n")
        .contains("\"minimum\": 1")
        .contains("Triggers:\n  subscribe  {\"topic\":\"" + TOPIC + "\"}")
        .contains("Usage: iii trigger");
  }

  @Test
  void helpWithoutAFunctionIdNeedsNoEngine() {
    CliProcess.Result r =
        CliProcess.against(URI.create("ws://127.0.0.1:1/")).run("trigger", "--help");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).contains("Usage: iii trigger").contains("--enqueue=<queue>");
  }

  @Test
  void aFunctionErrorPrintsItsErrorAsJsonAndExitsWithFailed() {
    CliProcess.Result r = cli().run("trigger", REJECT, "{}");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr())
        .isEqualTo(
            "Error: {\n  \"code\": \"out_of_stock\",\n  \"message\": \"no widgets left\",\n"
                + "  \"stacktrace\": null\n}\n");
  }

  @Test
  void anUnknownFunctionExitsWithNotFoundAndListsCloseMatches() {
    String typo = CREATE.substring(0, CREATE.length() - 1) + "x";

    CliProcess.Result r = cli().run("trigger", typo, "{}");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.stderr())
        .startsWith("Error: {\n  \"code\": \"function_not_found\",\n")
        .contains(typo)
        .endsWith("Did you mean:\n  " + CREATE + "\n");
  }

  @Test
  void helpOfAnUnknownFunctionListsCloseMatches() {
    CliProcess.Result r = cli().run("trigger", PREFIX + "::orders::rejct", "--help");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.stderr()).endsWith("Did you mean:\n  " + REJECT + "\n");
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void noAnswerWithinTheTimeoutExitsWithTimedOut() {
    CliProcess.Result r = cli().run("trigger", SLOW, "{}", "--timeout", "500ms");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.TIMED_OUT);
    assertThat(r.stderr()).contains("no answer from " + SLOW + " within 500ms");
  }

  @Test
  void voidSendsWithoutWaitingAndTheFunctionRuns() {
    String marker = UUID.randomUUID().toString();

    CliProcess.Result r = cli().run("trigger", RECORD, "--void", "{\"marker\":\"" + marker + "\"}");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).isEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> recorded.stream().anyMatch(p -> marker.equals(JsonText.text(p, "marker"))));
  }

  @Test
  void voidToAnUnknownFunctionIsNotFound() {
    CliProcess.Result r = cli().run("trigger", PREFIX + "::nothing", "--void");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.stderr()).contains(PREFIX + "::nothing");
  }

  @Test
  void enqueueWithoutAQueueServiceFailsWithTheEnginesError() {
    CliProcess.Result r = cli().run("trigger", RECORD, "--enqueue", "default", "{}");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.stderr()).startsWith("Error: {\n  \"code\": \"enqueue_error\",\n");
  }

  @Test
  void aShortcutWithoutItsServiceNamesTheService() {
    CliProcess.Result r = cli().run("state", "get", "orders", "1");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.stderr())
        .startsWith("error: function_not_found: ")
        .contains("state::get is provided by state-service; is it running and connected to");
  }

  @Test
  void invalidJsonIsAUsageError() {
    CliProcess.Result r = cli().run("trigger", CREATE, "{\"item\":");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).startsWith("error: the payload (argument) is not valid JSON: ");
  }

  @Test
  void anUnreachableEngineExitsWithUnreachable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    CliProcess.Result r =
        CliProcess.against(URI.create("ws://127.0.0.1:" + port)).run("trigger", CREATE, "{}");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(r.stderr())
        .startsWith("error: cannot reach the engine at ws://127.0.0.1:" + port + "/");
  }

  @Test
  void theUrlOptionWinsAndAServiceTokenIsAccepted() {
    CliProcess.Result r =
        CliProcess.against(URI.create("ws://127.0.0.1:1"))
            .env("III_SERVICE_TOKEN", gateway.serviceToken())
            .run("functions", "--url", gateway.url().toString(), "--prefix", PREFIX);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).contains(CREATE);
  }

  @Test
  void functionsAreListedAsATable() {
    CliProcess.Result r = cli().run("functions");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout().lines().findFirst())
        .hasValueSatisfying(h -> assertThat(h).matches("FUNCTION +WORKER +DESCRIPTION"));
    assertThat(r.stdout().lines())
        .anySatisfy(
            line ->
                assertThat(line)
                    .matches(Pattern.quote(CREATE) + " +" + WORKER + " +Create an order"))
        .noneMatch(line -> line.startsWith("engine::functions::list"));
  }

  @Test
  void functionsAsJsonAndWithInternalOnes() {
    CliProcess.Result json = cli().run("functions", "--json", "--prefix", PREFIX);
    CliProcess.Result all = cli().run("functions", "--all");

    assertThat(json.exitCode()).as(json.toString()).isZero();
    List<JsonNode> rows = rows(json.stdout());
    assertThat(rows)
        .extracting(row -> JsonText.text(row, "function_id"))
        .containsExactly(CREATE, RECORD, REJECT, SLOW);
    assertThat(JsonText.text(rows.get(0), "description")).isEqualTo("Create an order");
    assertThat(JsonText.text(rows.get(0), "worker_name")).isEqualTo(WORKER);
    assertThat(all.stdout()).contains("engine::functions::list");
  }

  @Test
  void workersAreListedWithoutTheCliItself() {
    CliProcess.Result table = cli().run("workers");
    CliProcess.Result json = cli().run("workers", "--json");

    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.stdout().lines().findFirst())
        .hasValueSatisfying(h -> assertThat(h).startsWith("NAME "));
    assertThat(table.stdout())
        .contains(WORKER)
        .contains("iii-engine-functions")
        .doesNotContain("iii-cli");
    List<JsonNode> rows = rows(json.stdout());
    assertThat(rows)
        .filteredOn(row -> WORKER.equals(JsonText.text(row, "name")))
        .singleElement()
        .satisfies(row -> assertThat(JsonText.text(row, "runtime")).isEqualTo("java"));
    assertThat(rows)
        .noneMatch(row -> EngineConnection.WORKER_NAME.equals(JsonText.text(row, "name")));
  }

  @Test
  void triggersAndTriggerTypesAreListed() {
    CliProcess.Result table = cli().run("triggers");
    CliProcess.Result json = cli().run("triggers", "--json", "--function", CREATE);
    CliProcess.Result types = cli().run("triggers", "--types");

    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.stdout().lines())
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("subscribe")
                    .contains(CREATE)
                    .contains("{\"topic\":\"" + TOPIC + "\"}"));
    assertThatJson(json.stdout())
        .isEqualTo(
            "[{\"id\":\"${json-unit.any-string}\",\"trigger_type\":\"subscribe\",\"function_id\":\""
                + CREATE
                + "\",\"worker_name\":\""
                + WORKER
                + "\",\"config\":{\"topic\":\""
                + TOPIC
                + "\"},\"config_summary\":\"${json-unit.any-string}\"}]");
    assertThat(types.stdout().lines())
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith(TRIGGER_TYPE)
                    .contains(WORKER)
                    .contains("Fires nothing; listed by the CLI test"));
  }

  @Test
  void completionScriptAndVersionNeedNoEngine() {
    CliProcess.Result completion =
        CliProcess.against(URI.create("ws://127.0.0.1:1/")).run("completion");
    CliProcess.Result version =
        CliProcess.against(URI.create("ws://127.0.0.1:1/")).run("--version");

    assertThat(completion.exitCode()).as(completion.toString()).isZero();
    assertThat(completion.stdout())
        .contains("complete -F")
        .contains("trigger")
        .contains("dead-letters")
        .contains("--enqueue");
    assertThat(version.stdout()).matches("iii \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(iii4j\\)\n");
  }

  @Test
  void noCommandPrintsTheUsageAndTheExitCodes() {
    CliProcess.Result r = CliProcess.against(URI.create("ws://127.0.0.1:1/")).run();

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr())
        .startsWith("Usage: iii ")
        .contains("trigger", "functions", "workers", "triggers", "state", "queue", "completion")
        .contains("3   not found");
  }

  @Test
  void theWarmUpRunForTheClassDataArchiveNeedsNoEngineAndPrintsNothing() {
    CliProcess.Result r = CliProcess.against(URI.create("ws://127.0.0.1:1/")).run("warm-up");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void aMistypedCommandIsAUsageErrorWithASuggestion() {
    CliProcess.Result r = cli().run("functons");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr()).contains("Did you mean: iii functions");
  }

  private static List<JsonNode> rows(String json) {
    JsonNode array = JsonText.parse(json);
    assertThat(array.isArray()).as("a JSON array: %s", json).isTrue();
    List<JsonNode> rows = new ArrayList<>();
    array.forEach(rows::add);
    return rows;
  }
}

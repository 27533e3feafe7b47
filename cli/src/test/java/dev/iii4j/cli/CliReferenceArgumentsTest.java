package dev.iii4j.cli;

import static net.javacrumbs.jsonunit.assertj.JsonAssertions.assertThatJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionDefinition;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.testing.GatewayHarness;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code iii} process with the reference CLI's {@code iii trigger} arguments and its documented
 * invocations ({@code iii trigger math::add a=2 b=3}), against a real gateway and a Java SDK
 * worker: key=value decoding, the {@code --json} merge, {@code --address}/{@code --port}/{@code
 * --timeout-ms}, the {@code Error: } JSON of a failing function, and {@code --help} on every
 * subcommand.
 */
class CliReferenceArgumentsTest {
  private static final String PREFIX = "cliref" + UUID.randomUUID().toString().substring(0, 8);
  private static final String ECHO = PREFIX + "::echo";
  private static final String REJECT = PREFIX + "::reject";
  private static final String CRASH = PREFIX + "::crash";
  private static final String SLOW = PREFIX + "::slow";
  private static final String SHIFTY = PREFIX + "::shifty";
  private static final String SHIFTY_DESCRIPTION =
      "Looks \u001b[31mred\u001b[0m\u0007, \u202eexe.txt\u202c and \u2066hidden\u2069\nsecond line";

  private static GatewayHarness gateway;

  @BeforeAll
  static void startGatewayAndWorker() throws Exception {
    gateway = GatewayHarness.start();
    EngineWorker worker = gateway.worker(PREFIX + "-worker");
    // The reference quickstart's function: math::add {a, b} -> {c}.
    worker.registerFunction(
        "math::add",
        FunctionHandler.sync(
            input ->
                JsonText.object(
                    "c",
                    input.get("a").numberValue().longValue()
                        + input.get("b").numberValue().longValue())));
    // Echoes the payload without the caller id the engine adds to object payloads.
    worker.registerFunction(
        ECHO,
        FunctionHandler.sync(
            input -> {
              if (!input.isObject()) {
                return input;
              }
              Map<String, JsonNode> fields = new LinkedHashMap<>();
              input.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
              fields.remove("_caller_worker_id");
              return new com.fasterxml.jackson.databind.node.ObjectNode(
                  dev.iii4j.protocol.Json.nodes(), fields);
            }));
    worker.registerFunction(
        REJECT,
        invocation -> {
          throw new FunctionException("out_of_stock", "no widgets left");
        });
    worker.registerFunction(
        CRASH,
        FunctionHandler.sync(
            input -> {
              throw new IllegalStateException("the widget counter is broken");
            }));
    worker.registerFunction(SLOW, invocation -> new CompletableFuture<>());
    worker.registerFunction(
        FunctionDefinition.of(SHIFTY).withDescription(SHIFTY_DESCRIPTION),
        FunctionHandler.sync(input -> null));
    worker.start().get(10, TimeUnit.SECONDS);
    // The gateway applies a connection's frames in order: once this call returns, every
    // registration above is in place for the CLI's own connection.
    worker
        .call("engine::functions::info", JsonText.object("function_id", SLOW))
        .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static CliProcess cli() {
    return CliProcess.against(gateway.url());
  }

  /** A run whose $III_URL points nowhere: only the command line can lead it to the gateway. */
  private static CliProcess nowhere() {
    return CliProcess.against(URI.create("ws://127.0.0.1:1/"));
  }

  @Test
  void theQuickstartInvocationAddsTwoNumbers() {
    CliProcess.Result r = cli().run("trigger", "math::add", "a=2", "b=3");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).isEqualTo("{\n  \"c\": 5\n}\n");
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void pairsOverrideTheKeysOfJson() {
    CliProcess.Result override = cli().run("trigger", ECHO, "--json", "{\"a\":1}", "a=2");
    CliProcess.Result added =
        cli().run("trigger", ECHO, "c=3", "--json", "{\"a\":1,\"b\":{\"x\":[1]}}");

    assertThat(override.exitCode()).as(override.toString()).isZero();
    assertThat(override.stdout()).isEqualTo("{\n  \"a\": 2\n}\n");
    assertThat(added.exitCode()).as(added.toString()).isZero();
    assertThatJson(added.stdout()).isEqualTo("{\"a\":1,\"b\":{\"x\":[1]},\"c\":3}");
  }

  @Test
  void pairValuesAreJsonWhenTheyParseAndStringsOtherwise() {
    CliProcess.Result r =
        cli()
            .run(
                "trigger",
                ECHO,
                "count=10",
                "ratio=0.5",
                "ok=true",
                "nothing=null",
                "tags=[\"a\",\"b\"]",
                "nested={\"k\":1}",
                "quoted=\"10\"",
                "name=alice",
                "greeting=hello world",
                "mode=0644",
                "code=print(2+2)",
                "url=https://iii.dev/a?b=c",
                "empty=");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThatJson(r.stdout())
        .isEqualTo(
            """
            {"count":10,"ratio":0.5,"ok":true,"nothing":null,"tags":["a","b"],"nested":{"k":1},
             "quoted":"10","name":"alice","greeting":"hello world","mode":"0644",
             "code":"print(2+2)","url":"https://iii.dev/a?b=c","empty":""}""");
  }

  @Test
  void jsonAloneIsSentAsItIsAndNothingIsAnEmptyObject() {
    CliProcess.Result array = cli().run("trigger", ECHO, "--json", "[1,2,3]");
    CliProcess.Result nothing = cli().run("trigger", ECHO);

    assertThat(array.exitCode()).as(array.toString()).isZero();
    assertThatJson(array.stdout()).isEqualTo("[1,2,3]");
    assertThat(nothing.stdout()).isEqualTo("{}\n");
  }

  @Test
  void ourPositionalJsonAndStandardInputMergeLikeJson() {
    CliProcess.Result positional = cli().run("trigger", ECHO, "{\"a\":1,\"b\":1}", "b=2");
    CliProcess.Result stdin = cli().stdin("{\"a\":1}").run("trigger", ECHO, "-", "a=3");

    assertThat(positional.exitCode()).as(positional.toString()).isZero();
    assertThatJson(positional.stdout()).isEqualTo("{\"a\":1,\"b\":2}");
    assertThat(stdin.exitCode()).as(stdin.toString()).isZero();
    assertThatJson(stdin.stdout()).isEqualTo("{\"a\":3}");
  }

  @Test
  void addressPortAndTimeoutMsReachTheGateway() {
    CliProcess.Result r =
        nowhere()
            .run(
                "trigger",
                "math::add",
                "a=10",
                "b=20",
                "--address",
                "localhost",
                "--port",
                String.valueOf(gateway.url().getPort()),
                "--timeout-ms",
                "30000");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThatJson(r.stdout()).isEqualTo("{\"c\":30}");
  }

  @Test
  void portAloneReplacesThePortOfTheUrl() {
    CliProcess.Result r =
        nowhere()
            .run(
                "functions", "--port", String.valueOf(gateway.url().getPort()), "--prefix", PREFIX);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).contains(ECHO);
  }

  @Test
  void aFailingFunctionPrintsItsErrorAsJson() {
    CliProcess.Result r = cli().run("trigger", REJECT, "qty=1");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr())
        .isEqualTo(
            """
            Error: {
              "code": "out_of_stock",
              "message": "no widgets left",
              "stacktrace": null
            }
            """);
  }

  @Test
  void aCrashingFunctionsErrorCarriesItsStackTrace() {
    CliProcess.Result r = cli().run("trigger", CRASH);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.stderr()).startsWith("Error: {\n").endsWith("}\n");
    assertThatJson(r.stderr().substring("Error: ".length()))
        .isObject()
        .containsEntry("code", "invocation_failed")
        .containsEntry("message", "the widget counter is broken");
    assertThatJson(r.stderr().substring("Error: ".length()))
        .node("stacktrace")
        .isString()
        .contains("IllegalStateException");
  }

  @Test
  void anUnknownFunctionPrintsTheEnginesErrorAsJsonThenCloseMatches() {
    CliProcess.Result r = cli().run("trigger", PREFIX + "::ecko", "a=1");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.stderr()).startsWith("Error: {\n  \"code\": \"function_not_found\",\n");
    assertThat(r.stderr()).endsWith("}\nDid you mean:\n  " + ECHO + "\n");
  }

  @Test
  void timeoutMsBoundsTheWait() {
    CliProcess.Result r = cli().run("trigger", SLOW, "--timeout-ms", "500");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.TIMED_OUT);
    assertThat(r.stderr()).contains("no answer from " + SLOW + " within 500ms");
  }

  @Test
  void badPayloadArgumentsAreUsageErrors() {
    CliProcess.Result word = nowhere().run("trigger", ECHO, "just-a-word");
    CliProcess.Result emptyKey = nowhere().run("trigger", ECHO, "=value");
    CliProcess.Result arrayWithPairs = nowhere().run("trigger", ECHO, "--json", "[1]", "a=1");
    CliProcess.Result badJson = nowhere().run("trigger", ECHO, "--json", "not-json");
    CliProcess.Result twice = nowhere().run("trigger", ECHO, "--json", "{}", "{}");
    CliProcess.Result both = nowhere().run("trigger", ECHO, "--timeout", "1s", "--timeout-ms", "9");
    CliProcess.Result urlAndPort =
        nowhere().run("trigger", ECHO, "--url", "ws://127.0.0.1:2", "--port", "3");

    assertThat(List.of(word, emptyKey, arrayWithPairs, badJson, twice, both, urlAndPort))
        .allSatisfy(r -> assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE));
    assertThat(word.stderr()).startsWith("error: expected key=value or a JSON payload, got `just");
    assertThat(emptyKey.stderr()).startsWith("error: payload key must not be empty (got `=value`)");
    assertThat(arrayWithPairs.stderr())
        .startsWith("error: the payload (--json) must be a JSON object when combined with");
    assertThat(badJson.stderr()).startsWith("error: the payload (--json) is not valid JSON: ");
    assertThat(twice.stderr())
        .startsWith("error: the payload is given twice (--json and argument)");
    assertThat(both.stderr()).startsWith("error: give --timeout or --timeout-ms, not both");
    assertThat(urlAndPort.stderr()).startsWith("error: give --url or --address/--port, not both");
  }

  @Test
  void aWorkersDescriptionCannotDriveTheTerminal() {
    CliProcess.Result help = cli().run("trigger", SHIFTY, "--help");
    CliProcess.Result table = cli().run("functions", "--prefix", SHIFTY);

    assertThat(help.exitCode()).as(help.toString()).isZero();
    assertThat(help.stdout())
        .contains("\n  Looks [31mred[0m, exe.txt and hidden\n  second line\n")
        .doesNotContain("\u001b", "\u0007", "\u202e", "\u202c", "\u2066", "\u2069");
    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.stdout())
        .contains("Looks [31mred[0m, exe.txt and hidden second line")
        .doesNotContain("\u001b", "\u0007", "\u202e", "\u202c", "\u2066", "\u2069");
  }

  @Test
  void everyCommandAnswersHelpWithoutAnEngine() {
    List<List<String>> commands =
        List.of(
            List.of("trigger"),
            List.of("functions"),
            List.of("workers"),
            List.of("triggers"),
            List.of("state"),
            List.of("state", "get"),
            List.of("state", "set"),
            List.of("state", "list"),
            List.of("state", "delete"),
            List.of("queue"),
            List.of("queue", "dead-letters"),
            List.of("queue", "dead-letters", "list"),
            List.of("queue", "dead-letters", "redrive"),
            List.of("queue", "dead-letters", "discard"),
            List.of("completion"),
            List.of("help"));
    for (List<String> command : commands) {
      List<String> args = new ArrayList<>(command);
      args.add(command.equals(List.of("functions")) ? "-h" : "--help");

      CliProcess.Result r = nowhere().run(args.toArray(String[]::new));

      assertThat(r.exitCode()).as("%s: %s", args, r).isZero();
      assertThat(r.stdout())
          .as("%s", args)
          .contains("Usage: iii " + String.join(" ", command) + " [");
    }
  }
}

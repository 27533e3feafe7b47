package dev.iii4j.cli;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iii trigger <function_id> [payload]}: calls a function through the engine exactly as a
 * worker would, and prints the result as pretty JSON. With {@code --help} and a function id it
 * shows the function's description and request and response schemas, read from {@code
 * engine::functions::info}.
 */
@Command(
    name = "trigger",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Call a function by id and print its result as pretty JSON.",
      "The payload is a JSON argument, a file (--file), or standard input ('-'); default {}.",
      "With a function id, --help also shows the function's description and its request and"
          + " response schemas as registered with the engine.",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the function answered (or the call was sent / enqueued)",
      "1:the function answered with an error (code and message on stderr)",
      "2:bad arguments or invalid JSON",
      "3:the function is not registered (close matches on stderr)",
      "4:no answer within --timeout",
      "5:the engine could not be reached",
    })
final class TriggerCommand extends EngineCommand {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<function_id>",
      description = "The function to call, for example orders::create.")
  String functionId;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "<payload>",
      description = "The payload as JSON; '-' reads it from standard input.")
  String payloadText;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "<file>",
      description = "Read the payload from this file ('-' for standard input).")
  Path file;

  @Option(
      names = "--void",
      description = "Fire and forget: send the call without waiting for a result.")
  boolean fireAndForget;

  @Option(
      names = "--enqueue",
      paramLabel = "<queue>",
      description = "Hand the call to this durable queue and print its messageReceiptId.")
  String queue;

  @Option(
      names = {"-h", "--help"},
      description = "Show this help; with a function id, also the function's schemas.")
  boolean help;

  private @Nullable JsonNode payload;

  @Override
  public Integer call() {
    if (help && functionId == null) {
      spec.commandLine().usage(out());
      return ExitCodes.OK;
    }
    return super.call();
  }

  @Override
  void validate() {
    if (functionId == null || functionId.isBlank()) {
      throw new CliException(ExitCodes.USAGE, "missing <function_id> (see iii trigger --help)");
    }
    if (help) {
      return;
    }
    if (fireAndForget && queue != null) {
      throw new CliException(ExitCodes.USAGE, "--void and --enqueue cannot be combined");
    }
    if (queue != null && queue.isBlank()) {
      throw new CliException(ExitCodes.USAGE, "--enqueue needs a queue name");
    }
    payload = readPayload();
  }

  private JsonNode readPayload() {
    if (payloadText != null && file != null) {
      throw new CliException(
          ExitCodes.USAGE, "give the payload as an argument or --file, not both");
    }
    String text;
    String source;
    if (file != null && !file.toString().equals("-")) {
      source = "file " + file;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new CliException(ExitCodes.USAGE, "payload file " + file + " does not exist");
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.USAGE, "cannot read payload file " + file + ": " + e.getMessage());
      }
    } else if (file != null || "-".equals(payloadText)) {
      source = "standard input";
      text = readStdin();
    } else if (payloadText != null) {
      source = "argument";
      text = payloadText;
    } else {
      return JsonNode.createObjectNode(Map.of());
    }
    try {
      return JsonText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.USAGE, "the payload (" + source + ") is not valid JSON: " + e.getMessage());
    }
  }

  private static String readStdin() {
    try {
      InputStream in = System.in;
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, "cannot read standard input: " + e.getMessage());
    }
  }

  @Override
  int run(EngineConnection connection) {
    if (help) {
      return describe(connection);
    }
    if (fireAndForget) {
      // The engine drops a void call to an unknown function silently; say so instead.
      requireRegistered(connection);
      connection.callVoid(functionId, payload);
      return ExitCodes.OK;
    }
    if (queue != null) {
      String receipt = connection.enqueue(queue, functionId, payload);
      printJson(JsonText.object("messageReceiptId", receipt));
      return ExitCodes.OK;
    }
    JsonNode result;
    try {
      result = connection.call(functionId, payload);
    } catch (CliException e) {
      if (e.exitCode() == ExitCodes.NOT_FOUND) {
        throw Functions.notFound(connection, functionId, e);
      }
      throw e;
    }
    printJson(result);
    return ExitCodes.OK;
  }

  private void requireRegistered(EngineConnection connection) {
    JsonNode info;
    try {
      info = Functions.info(connection, functionId);
    } catch (CliException e) {
      // Introspection may be hidden from this connection (RBAC); send the call unchecked.
      return;
    }
    if (info == null) {
      throw Functions.notFound(connection, functionId, null);
    }
  }

  private int describe(EngineConnection connection) {
    JsonNode info = Functions.info(connection, functionId);
    if (info == null) {
      throw Functions.notFound(connection, functionId, null);
    }
    PrintWriter out = out();
    out.println(functionId + "  (worker: " + JsonText.cell(info, "worker_name") + ")");
    String description = JsonText.text(info, "description");
    out.println("  " + (description == null ? "(no description)" : description));
    schema(out, "Request schema", info.get("request_schema"));
    schema(out, "Response schema", info.get("response_schema"));
    JsonNode bound = info.get("registered_triggers");
    if (bound != null && bound.isArray() && bound.size() > 0) {
      out.println();
      out.println("Triggers:");
      for (JsonNode trigger : bound.values()) {
        out.println(
            "  "
                + JsonText.cell(trigger, "trigger_type")
                + "  "
                + JsonText.compact(trigger.get("config"))
                + "  (id "
                + JsonText.cell(trigger, "id")
                + ")");
      }
    }
    out.println();
    spec.commandLine().usage(out);
    out.flush();
    return ExitCodes.OK;
  }

  private static void schema(PrintWriter out, String title, @Nullable JsonNode schema) {
    out.println();
    if (schema == null || schema.isNull()) {
      out.println(title + ": (none registered)");
      return;
    }
    out.println(title + ":");
    out.println(JsonText.pretty(schema));
  }
}

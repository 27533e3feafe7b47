package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iii trigger <function_id> [key=value ...] [--json '<json>']}: calls a function through the
 * engine exactly as a worker would, and prints the result as pretty JSON. The arguments are the
 * reference CLI's (see {@link TriggerPayload} for the payload rules; {@code --address}, {@code
 * --port} and {@code --timeout-ms} come with {@link EngineOptions}), plus our positional JSON,
 * {@code -}, {@code --file}, {@code --void}, {@code --enqueue} and {@code --url}. An error body is
 * printed as the reference prints it: {@code Error: } and {@code {code, message, stacktrace}} as
 * pretty JSON. With {@code --help} and a function id it shows the function's description and
 * request and response schemas, read from {@code engine::functions::info}.
 */
@Command(
    name = "trigger",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Call a function by id and print its result as pretty JSON.",
      "The payload is built from key=value pairs (each value JSON-decoded when it parses, else a"
          + " string), shallow-merged over a base object given as --json, a JSON argument, a file"
          + " (--file) or standard input ('-'); with neither it is {}.",
      "  iii trigger math::add a=2 b=3",
      "  iii trigger orders::create --json '{\"item\":\"widget\"}' qty=3",
      "A function's error is printed on stderr as 'Error: ' and {code, message, stacktrace} as"
          + " JSON.",
      "With a function id, --help also shows the function's description and its request and"
          + " response schemas as registered with the engine.",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the function answered (or the call was sent / enqueued)",
      "1:the function answered with an error (the error as JSON on stderr)",
      "2:bad arguments or invalid JSON",
      "3:the function is not registered (the error, then close matches, on stderr)",
      "4:no answer within --timeout / --timeout-ms",
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
      index = "1..*",
      arity = "0..*",
      paramLabel = "key=value",
      description = {
        "Payload fields: count=10 is a number, name=alice a string, tags='[\"a\"]' an array.",
        "A JSON argument instead ('{\"a\":1}'; '-' reads standard input) is the base object.",
      })
  List<String> arguments = new ArrayList<>();

  @Option(
      names = "--json",
      paramLabel = "<json>",
      description = "The payload as JSON; key=value pairs override its top-level fields.")
  String json;

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
    payload = TriggerPayload.resolve(arguments, json, readFile(), TriggerCommand::readStdin);
  }

  private TriggerPayload.@Nullable Base readFile() {
    if (file == null) {
      return null;
    }
    if (file.toString().equals("-")) {
      return new TriggerPayload.Base("standard input", readStdin());
    }
    try {
      return new TriggerPayload.Base(
          "file " + file, Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.USAGE, "payload file " + file + " does not exist");
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE, "cannot read payload file " + file + ": " + e.getMessage());
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
    try {
      return invoke(connection);
    } catch (CliException e) {
      throw e.asErrorJson();
    }
  }

  private int invoke(EngineConnection connection) {
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
    // Everything but the schemas' JSON is text a worker chose: keep it off the terminal's controls.
    out.println(
        Table.printable(functionId + "  (worker: " + JsonText.cell(info, "worker_name") + ")"));
    String description = JsonText.text(info, "description");
    out.println(
        "  "
            + (description == null
                ? "(no description)"
                : Table.printable(description).replace("\n", "\n  ")));
    schema(out, "Request schema", info.get("request_schema"));
    schema(out, "Response schema", info.get("response_schema"));
    JsonNode bound = info.get("registered_triggers");
    if (bound != null && bound.isArray() && bound.size() > 0) {
      out.println();
      out.println("Triggers:");
      for (JsonNode trigger : bound) {
        out.println(
            Table.printable(
                "  "
                    + JsonText.cell(trigger, "trigger_type")
                    + "  "
                    + JsonText.compact(trigger.get("config"))
                    + "  (id "
                    + JsonText.cell(trigger, "id")
                    + ")"));
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

package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code iii functions}: the registered functions ({@code engine::functions::list}). */
@Command(
    name = "functions",
    sortOptions = false,
    description = {
      "List the registered functions as a table (or JSON with --json).",
      "Engine-internal functions (engine::*) are hidden unless --all is given.",
    })
final class FunctionsCommand extends EngineCommand {
  @Option(names = "--json", description = "Print the engine's rows as JSON.")
  boolean json;

  @Option(
      names = {"-a", "--all"},
      description = "Include engine-internal functions.")
  boolean all;

  @Option(names = "--prefix", paramLabel = "<prefix>", description = "Only ids with this prefix.")
  String prefix;

  @Option(
      names = "--search",
      paramLabel = "<text>",
      description = "Only ids or descriptions containing this text.")
  String search;

  @Option(names = "--worker", paramLabel = "<name>", description = "Only this worker's functions.")
  String worker;

  @Override
  int run(EngineConnection connection) {
    JsonNode answer =
        connection.call(
            Functions.LIST,
            JsonText.object(
                "include_internal", all, "prefix", prefix, "search", search, "worker", worker));
    return printRows(
        Listing.rows(answer, "functions"),
        json,
        new Table("FUNCTION", "WORKER", "DESCRIPTION").limit(2, 70),
        "functions",
        row -> JsonText.cells(row, "function_id", "worker_name", "description"));
  }
}

package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iii triggers}: the registered triggers ({@code engine::registered-triggers::list}), or
 * with {@code --types} the trigger types ({@code engine::triggers::list}).
 */
@Command(
    name = "triggers",
    sortOptions = false,
    description = {
      "List the registered triggers (or the trigger types with --types).",
      "A table by default, JSON with --json.",
    })
final class TriggersCommand extends EngineCommand {
  @Option(names = "--json", description = "Print the engine's rows as JSON.")
  boolean json;

  @Option(names = "--types", description = "List trigger types instead of triggers.")
  boolean types;

  @Option(
      names = {"-a", "--all"},
      description = "Include engine-internal ones.")
  boolean all;

  @Option(names = "--type", paramLabel = "<type>", description = "Only triggers of this type.")
  String type;

  @Option(
      names = "--function",
      paramLabel = "<function_id>",
      description = "Only triggers that fire this function.")
  String function;

  @Override
  int run(EngineConnection connection) {
    if (types) {
      return triggerTypes(connection);
    }
    JsonNode answer =
        connection.call(
            "engine::registered-triggers::list",
            JsonText.object(
                "include_internal", all, "trigger_type", type, "function_id", function));
    return printRows(
        Listing.rows(answer, "registered_triggers"),
        json,
        new Table("TYPE", "FUNCTION", "WORKER", "CONFIG", "ID").limit(3, 60),
        "triggers",
        row ->
            JsonText.cells(
                row, "trigger_type", "function_id", "worker_name", "config_summary", "id"));
  }

  private int triggerTypes(EngineConnection connection) {
    JsonNode answer =
        connection.call("engine::triggers::list", JsonText.object("include_internal", all));
    return printRows(
        Listing.rows(answer, "triggers"),
        json,
        new Table("TYPE", "WORKER", "DESCRIPTION").limit(2, 70),
        "trigger types",
        row -> JsonText.cells(row, "id", "worker_name", "description"));
  }
}

package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iii workers}: the connected workers and the engine's in-process workers ({@code
 * engine::workers::list}), without the CLI's own connection.
 */
@Command(
    name = "workers",
    sortOptions = false,
    description = "List the connected workers as a table (or JSON with --json).")
final class WorkersCommand extends EngineCommand {
  @Option(names = "--json", description = "Print the engine's rows as JSON.")
  boolean json;

  @Option(
      names = "--search",
      paramLabel = "<text>",
      description = "Only workers whose name contains this text.")
  String search;

  @Override
  int run(EngineConnection connection) {
    JsonNode answer = connection.call("engine::workers::list", JsonText.object("search", search));
    String self = connection.workerId().orElse("");
    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode row : Listing.rows(answer, "workers")) {
      if (!self.equals(JsonText.text(row, "id"))) {
        rows.add(row);
      }
    }
    return printRows(
        new com.fasterxml.jackson.databind.node.ArrayNode(dev.iii4j.protocol.Json.nodes(), rows),
        json,
        new Table("NAME", "RUNTIME", "VERSION", "FUNCTIONS", "ACTIVE", "STATUS", "ID").limit(0, 40),
        "workers",
        row ->
            JsonText.cells(
                row,
                "name",
                "runtime",
                "version",
                "function_count",
                "active_invocations",
                "status",
                "id"));
  }
}

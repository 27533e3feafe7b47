package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iii traces}: the latest traces as trees ({@code engine::traces::list}, then {@code
 * engine::traces::tree} for each), one line a span: name, service, status, duration.
 */
@Command(
    name = "traces",
    sortOptions = false,
    description = "Show the latest traces as trees of spans (or JSON with --json).")
final class TracesCommand extends EngineCommand {
  @Option(names = "--json", description = "Print the trees as JSON.")
  boolean json;

  @Option(
      names = "--limit",
      paramLabel = "<n>",
      defaultValue = "10",
      description = "How many traces, newest first (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--trace", paramLabel = "<trace id>", description = "Only this trace.")
  String traceId;

  @Option(names = "--all", description = "Include the engine's internal traces.")
  boolean all;

  @Override
  int run(EngineConnection connection) {
    JsonNode answer =
        connection.call(
            "engine::traces::list",
            JsonText.object(
                "trace_id", traceId,
                "limit", limit,
                "sort_order", "desc",
                "include_internal", all));
    java.util.List<JsonNode> trees = new java.util.ArrayList<>();
    for (JsonNode root : Listing.rows(answer, "spans")) {
      String id = JsonText.text(root, "trace_id");
      trees.add(connection.call("engine::traces::tree", JsonText.object("trace_id", id)));
    }
    if (json) {
      printJson(
          new com.fasterxml.jackson.databind.node.ArrayNode(
              dev.iii4j.protocol.Json.nodes(), trees));
      return ExitCodes.OK;
    }
    if (trees.isEmpty()) {
      out().println("no traces");
    }
    for (JsonNode tree : trees) {
      JsonNode roots = tree.get("roots");
      if (roots == null || roots.size() == 0) {
        continue;
      }
      out().println("trace " + JsonText.cell(roots.get(0), "trace_id"));
      for (JsonNode root : roots) {
        print(root, 1);
      }
    }
    out().flush();
    return ExitCodes.OK;
  }

  private void print(JsonNode span, int depth) {
    long start = number(span.get("start_time_unix_nano"));
    long end = number(span.get("end_time_unix_nano"));
    String duration =
        end == 0 ? "running" : String.format(Locale.ROOT, "%.2f ms", (end - start) / 1_000_000.0);
    out()
        .println(
            "  ".repeat(depth)
                + JsonText.cell(span, "name")
                + "  ["
                + JsonText.cell(span, "service_name")
                + ", "
                + JsonText.cell(span, "status")
                + ", "
                + duration
                + "]");
    JsonNode children = span.get("children");
    if (children != null && children.isArray()) {
      for (JsonNode child : children) {
        print(child, depth + 1);
      }
    }
  }

  private static long number(JsonNode value) {
    return value != null && value.isNumber() ? value.longValue() : 0;
  }
}

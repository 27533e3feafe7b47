package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code iii logs}: the latest log records ({@code engine::logs::list}), newest first. */
@Command(
    name = "logs",
    sortOptions = false,
    description = "Show the latest log records as a table (or JSON with --json).")
final class LogsCommand extends EngineCommand {
  @Option(names = "--json", description = "Print the engine's records as JSON.")
  boolean json;

  @Option(
      names = "--limit",
      paramLabel = "<n>",
      defaultValue = "50",
      description = "How many records (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--trace", paramLabel = "<trace id>", description = "Only this trace's records.")
  String traceId;

  @Option(
      names = "--severity",
      paramLabel = "<text>",
      description = "Only records of this severity (INFO, WARN, ERROR, ...).")
  String severity;

  @Override
  int run(EngineConnection connection) {
    JsonNode answer =
        connection.call(
            "engine::logs::list",
            JsonText.object("trace_id", traceId, "severity_text", severity, "limit", limit));
    return printRows(
        Listing.rows(answer, "logs"),
        json,
        new Table("TIME", "SEVERITY", "SERVICE", "TRACE", "SPAN", "BODY").limit(5, 80),
        "log records",
        row -> {
          JsonNode time = row.get("timestamp_unix_nano");
          long nanos = time != null && time.isNumber() ? time.longValue() : 0;
          return new String[] {
            Instant.ofEpochSecond(0, nanos).toString(),
            JsonText.cell(row, "severity_text"),
            JsonText.cell(row, "service_name"),
            JsonText.cell(row, "trace_id"),
            JsonText.cell(row, "span_id"),
            JsonText.cell(row, "body")
          };
        });
  }
}

package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Shared pieces of the listing commands. */
final class Listing {
  private Listing() {}

  /** The array under {@code field} of an engine answer; an empty array when absent. */
  static JsonNode rows(@Nullable JsonNode answer, String field) {
    JsonNode rows = answer == null ? null : answer.get(field);
    if (rows != null && rows.isArray()) {
      return rows;
    }
    if (answer != null && answer.isArray()) {
      return answer;
    }
    return new com.fasterxml.jackson.databind.node.ArrayNode(
        dev.iii4j.protocol.Json.nodes(), List.of());
  }

  /** Prints the table, or a line saying there is nothing when it is empty. */
  static void print(PrintWriter out, Table table, String what) {
    if (table.isEmpty()) {
      out.println("(no " + what + ")");
      out.flush();
      return;
    }
    table.print(out);
  }
}

package dev.iii4j.cli;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.io.PrintWriter;
import java.util.List;

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
    return JsonNode.createArrayNode(List.of());
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

package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Looks functions up through the engine's introspection functions. */
final class Functions {
  static final String INFO = "engine::functions::info";
  static final String LIST = "engine::functions::list";

  private Functions() {}

  /**
   * The {@code FunctionDetail} of {@code engine::functions::info}: {@code {function_id,
   * worker_name, description?, request_schema?, response_schema?, metadata?, registered_triggers}}.
   *
   * @return null when the function is not registered
   */
  static @Nullable JsonNode info(EngineConnection connection, String functionId) {
    try {
      return connection.call(INFO, JsonText.object("function_id", functionId));
    } catch (CliException e) {
      if ("NOT_FOUND".equals(e.errorCode())) {
        return null;
      }
      throw e;
    }
  }

  /** Every function id the engine lists, internal ones included. */
  static List<String> allIds(EngineConnection connection) {
    JsonNode answer = connection.call(LIST, JsonText.object("include_internal", true));
    List<String> ids = new ArrayList<>();
    JsonNode rows = answer == null ? null : answer.get("functions");
    if (rows != null && rows.isArray()) {
      for (JsonNode row : rows) {
        String id = JsonText.text(row, "function_id");
        if (id != null) {
          ids.add(id);
        }
      }
    }
    return ids;
  }

  /**
   * The failure for a function that is not registered: exit code {@link ExitCodes#NOT_FOUND}, with
   * the close matches among the registered ids, if any.
   */
  static CliException notFound(
      EngineConnection connection, String functionId, @Nullable CliException cause) {
    CliException failure =
        cause != null
            ? cause
            : new CliException(
                ExitCodes.NOT_FOUND,
                ErrorCode.FUNCTION_NOT_FOUND.wire(),
                "Function " + functionId + " not found",
                null);
    List<String> matches;
    try {
      matches = Suggestions.closeMatches(functionId, allIds(connection));
    } catch (CliException listingFailed) {
      // The listing may be hidden on an RBAC listener; the failure still stands without matches.
      return failure;
    }
    if (matches.isEmpty()) {
      return failure.withDetail("No registered function has a similar id (see `iii functions`).");
    }
    StringBuilder detail = new StringBuilder("Did you mean:");
    for (String match : matches) {
      detail.append(System.lineSeparator()).append("  ").append(match);
    }
    return failure.withDetail(detail.toString());
  }
}

package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.ErrorCode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the engine: it gets {@code --url} and {@code --timeout}, opens one
 * connection, runs, and closes the connection (which also flushes a void call).
 */
abstract class EngineCommand implements Callable<Integer> {
  @Mixin EngineOptions engine;

  @Spec CommandSpec spec;

  /** Runs the command over an open connection; returns the exit code. */
  abstract int run(EngineConnection connection);

  /** Checks the arguments before connecting; throws {@link CliException} with a usage code. */
  void validate() {}

  @Override
  public Integer call() {
    validate();
    try (EngineConnection connection = engine.connect()) {
      return run(connection);
    }
  }

  /**
   * Calls a function of a built-in service; when the service is not connected, the not-found
   * failure says which service provides the function.
   */
  @Nullable JsonNode callService(
      EngineConnection connection, String functionId, JsonNode payload, String service) {
    try {
      return connection.call(functionId, payload);
    } catch (CliException e) {
      if (ErrorCode.FUNCTION_NOT_FOUND.wire().equals(e.errorCode())) {
        throw e.withDetail(
            functionId
                + " is provided by "
                + service
                + "; is it running and connected to "
                + connection.url()
                + "?");
      }
      throw e;
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /**
   * Prints the rows of a listing: as JSON with {@code json}; else as {@code table}, one line per
   * row with the cells {@code cells} makes of it, or {@code (no <what>)} when there are none.
   */
  int printRows(
      JsonNode rows, boolean json, Table table, String what, Function<JsonNode, String[]> cells) {
    if (json) {
      printJson(rows);
      return ExitCodes.OK;
    }
    for (JsonNode row : rows) {
      table.row(cells.apply(row));
    }
    Listing.print(out(), table, what);
    return ExitCodes.OK;
  }

  /** Prints {@code answer} as JSON with {@code json}, else {@code line}. */
  int printAnswer(@Nullable JsonNode answer, boolean json, String line) {
    if (json) {
      printJson(answer);
    } else {
      out().println(line);
      out().flush();
    }
    return ExitCodes.OK;
  }

  /** Prints a value as pretty JSON on standard output; no value prints {@code null}. */
  void printJson(@Nullable JsonNode value) {
    out().println(JsonText.pretty(value));
    out().flush();
  }
}

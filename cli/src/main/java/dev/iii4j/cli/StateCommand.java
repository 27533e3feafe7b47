package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iii state get|set|list|delete}: shortcuts for the state worker's {@code state::*}
 * functions (served by state-service).
 */
@Command(
    name = "state",
    description = "Read and write the state worker's key/value store (state::*).",
    subcommands = {
      StateCommand.Get.class,
      StateCommand.Set.class,
      StateCommand.ListValues.class,
      StateCommand.Delete.class,
    })
final class StateCommand {
  /** The service that provides the functions. */
  private static final String SERVICE = "state-service";

  /** The {@code <scope> <key>} arguments of get, set and delete. */
  abstract static class AtKey extends EngineCommand {
    @Parameters(index = "0", paramLabel = "<scope>")
    String scope;

    @Parameters(index = "1", paramLabel = "<key>")
    String key;

    /**
     * Prints the value {@code functionId} answers for the key as JSON; exits with {@link
     * ExitCodes#NOT_FOUND} when there is none.
     */
    int printValue(EngineConnection connection, String functionId) {
      JsonNode value =
          callService(connection, functionId, JsonText.object("scope", scope, "key", key), SERVICE);
      if (value == null) {
        throw new CliException(
            ExitCodes.NOT_FOUND, "no value at key '" + key + "' of scope '" + scope + "'");
      }
      printJson(value);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "get",
      description = {
        "Print the value stored at <scope> <key> as JSON (state::get).",
        "Exits with 3 when the key holds no value.",
      })
  static final class Get extends AtKey {
    @Override
    int run(EngineConnection connection) {
      return printValue(connection, "state::get");
    }
  }

  @Command(
      name = "set",
      description = {
        "Store a JSON value at <scope> <key> and print {old_value, new_value} (state::set).",
        "The value is JSON ('\"text\"' for a string); '-' reads it from standard input.",
      })
  static final class Set extends AtKey {
    @Parameters(index = "2", paramLabel = "<value>", description = "The value as JSON, or '-'.")
    String valueText;

    @Option(names = "--string", description = "Store <value> as a JSON string, as typed.")
    boolean string;

    private JsonNode value;

    @Override
    void validate() {
      String text = valueText;
      if ("-".equals(valueText)) {
        try {
          text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new CliException(ExitCodes.USAGE, "cannot read standard input: " + e.getMessage());
        }
      }
      if (string) {
        value = dev.iii4j.protocol.Json.nodes().textNode(text);
        return;
      }
      try {
        value = JsonText.parse(text);
      } catch (IllegalArgumentException e) {
        throw new CliException(
            ExitCodes.USAGE,
            "the value is not valid JSON: "
                + e.getMessage()
                + " (quote a string as '\"text\"', or pass --string)");
      }
    }

    @Override
    int run(EngineConnection connection) {
      printJson(
          callService(
              connection,
              "state::set",
              JsonText.object("scope", scope, "key", key, "value", value),
              SERVICE));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "list",
      description = {
        "With <scope>: print the scope's values as a JSON array (state::list).",
        "Without: print the scopes that hold values, one per line (state::list_groups).",
      })
  static final class ListValues extends EngineCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "<scope>")
    String scope;

    @Option(names = "--json", description = "Print the scopes as a JSON array.")
    boolean json;

    @Override
    int run(EngineConnection connection) {
      if (scope != null) {
        JsonNode values =
            callService(connection, "state::list", JsonText.object("scope", scope), SERVICE);
        printJson(
            values == null
                ? new com.fasterxml.jackson.databind.node.ArrayNode(
                    dev.iii4j.protocol.Json.nodes(), List.of())
                : values);
        return ExitCodes.OK;
      }
      JsonNode groups =
          Listing.rows(
              callService(connection, "state::list_groups", JsonText.object(), SERVICE), "groups");
      if (json) {
        printJson(groups);
        return ExitCodes.OK;
      }
      for (JsonNode group : groups) {
        out().println(group.isTextual() ? group.textValue() : JsonText.compact(group));
      }
      out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "delete",
      description = {
        "Delete <scope> <key> and print the deleted value (state::delete).",
        "Exits with 3 when the key held no value.",
      })
  static final class Delete extends AtKey {
    @Override
    int run(EngineConnection connection) {
      return printValue(connection, "state::delete");
    }
  }
}

package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iii queue dead-letters list|redrive|discard}: shortcuts for the queue worker's dead-letter
 * functions (served by queue-service): {@code engine::queue::dlq_topics}, {@code
 * engine::queue::dlq_messages}, {@code iii::queue::redrive}, {@code iii::queue::redrive_message}
 * and {@code iii::queue::discard_message}.
 */
@Command(
    name = "queue",
    description = "Inspect the durable queues' dead letters.",
    subcommands = QueueCommand.DeadLetters.class)
final class QueueCommand {
  /** The service that provides the functions. */
  private static final String SERVICE = "queue-service";

  @Command(
      name = "dead-letters",
      aliases = "dlq",
      description = "List, redrive or discard the messages that exhausted their attempts.",
      subcommands = {
        QueueCommand.ListDeadLetters.class,
        QueueCommand.Redrive.class,
        QueueCommand.Discard.class,
      })
  static final class DeadLetters {}

  @Command(
      name = "list",
      sortOptions = false,
      description = {
        "With <queue>: the queue's dead letters, newest first (engine::queue::dlq_messages).",
        "Without: every queue and topic with its number of dead letters"
            + " (engine::queue::dlq_topics).",
      })
  static final class ListDeadLetters extends EngineCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "<queue>")
    String queue;

    @Option(names = "--json", description = "Print the rows as JSON (payloads included).")
    boolean json;

    @Option(
        names = "--limit",
        paramLabel = "<n>",
        defaultValue = "50",
        description = "At most this many messages (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(
        names = "--offset",
        paramLabel = "<n>",
        defaultValue = "0",
        description = "Skip this many of the newest messages.")
    int offset;

    @Override
    void validate() {
      if (limit < 1 || offset < 0) {
        throw new CliException(ExitCodes.USAGE, "--limit must be at least 1 and --offset >= 0");
      }
    }

    @Override
    int run(EngineConnection connection) {
      if (queue == null) {
        return printRows(
            Listing.rows(
                callService(connection, "engine::queue::dlq_topics", JsonText.object(), SERVICE),
                "topics"),
            json,
            new Table("QUEUE", "TYPE", "DEAD LETTERS"),
            "queues",
            row -> JsonText.cells(row, "topic", "broker_type", "message_count"));
      }
      JsonNode answer =
          callService(
              connection,
              "engine::queue::dlq_messages",
              JsonText.object("queue", queue, "offset", offset, "limit", limit),
              SERVICE);
      return printRows(
          Listing.rows(answer, "messages"),
          json,
          new Table("ID", "FUNCTION", "FAILED AT", "ATTEMPTS", "ERROR", "PAYLOAD")
              .limit(4, 60)
              .limit(5, 40),
          "dead letters in queue " + queue,
          row ->
              new String[] {
                JsonText.cell(row, "id"),
                JsonText.cell(row, "function_id"),
                failedAt(row.get("failed_at")),
                JsonText.cell(row, "retries"),
                JsonText.cell(row, "error"),
                JsonText.compact(row.get("payload"))
              });
    }

    private static String failedAt(JsonNode seconds) {
      if (seconds == null || !seconds.isNumber()) {
        return "";
      }
      return Instant.ofEpochSecond(seconds.numberValue().longValue()).toString();
    }
  }

  @Command(
      name = "redrive",
      description = {
        "Move dead letters back to their queue with fresh attempts:",
        "all of the queue's (iii::queue::redrive), or one by id (iii::queue::redrive_message).",
        "Exits with 3 when the message id is not among the dead letters.",
      })
  static final class Redrive extends EngineCommand {
    @Parameters(index = "0", paramLabel = "<queue>")
    String queue;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<message_id>")
    String messageId;

    @Option(names = "--json", description = "Print the engine's answer as JSON.")
    boolean json;

    @Override
    int run(EngineConnection connection) {
      JsonNode answer =
          messageId == null
              ? callService(
                  connection, "iii::queue::redrive", JsonText.object("queue", queue), SERVICE)
              : callService(
                  connection,
                  "iii::queue::redrive_message",
                  JsonText.object("queue", queue, "message_id", messageId),
                  SERVICE);
      int redriven = count(answer);
      if (messageId != null && redriven == 0) {
        throw noDeadLetter(queue, messageId);
      }
      return printAnswer(answer, json, "redriven " + redriven + " message(s) of queue " + queue);
    }
  }

  @Command(
      name = "discard",
      description = {
        "Delete one dead letter for good (iii::queue::discard_message).",
        "Exits with 3 when the message id is not among the dead letters.",
      })
  static final class Discard extends EngineCommand {
    @Parameters(index = "0", paramLabel = "<queue>")
    String queue;

    @Parameters(index = "1", paramLabel = "<message_id>")
    String messageId;

    @Option(names = "--json", description = "Print the engine's answer as JSON.")
    boolean json;

    @Override
    int run(EngineConnection connection) {
      JsonNode answer =
          callService(
              connection,
              "iii::queue::discard_message",
              JsonText.object("queue", queue, "message_id", messageId),
              SERVICE);
      if (count(answer) == 0) {
        throw noDeadLetter(queue, messageId);
      }
      return printAnswer(answer, json, "discarded message " + messageId + " of queue " + queue);
    }
  }

  /** The failure of a redrive or discard of a message that is not among the dead letters. */
  private static CliException noDeadLetter(String queue, String messageId) {
    return new CliException(
        ExitCodes.NOT_FOUND, "no dead letter '" + messageId + "' in queue '" + queue + "'");
  }

  /** The {@code redriven} count of a redrive or discard answer. */
  static int count(JsonNode answer) {
    JsonNode n = answer == null ? null : answer.get("redriven");
    return n != null && n.isNumber() ? n.numberValue().intValue() : 0;
  }
}

package dev.iii4j.cli;

import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.MessageCodec;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.WorkerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code iii warm-up} (hidden): loads the classes a real command uses without reaching an engine,
 * so that {@code bin/iii} can record them in a class-data archive ({@code
 * -XX:ArchiveClassesAtExit}) that later runs start from. Prints nothing.
 */
@Command(name = "warm-up", hidden = true, description = "Load the CLI's classes and exit.")
final class WarmUpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter sink = new PrintWriter(new StringWriter());
    usage(spec.root().commandLine(), sink);
    WorkerOptions options = WorkerOptions.builder(URI.create("ws://127.0.0.1:1/")).build();
    MessageCodec codec = new MessageCodec();
    codec.decode("{\"type\":\"workerregistered\",\"worker_id\":\"w\"}");
    codec.decode(
        "{\"type\":\"invocationresult\",\"invocation_id\":\"i\",\"function_id\":\"f\","
            + "\"result\":{\"a\":[1,2.5,\"x\",true,null]}}");
    codec.decode(
        "{\"type\":\"invocationresult\",\"invocation_id\":\"i\",\"function_id\":\"f\","
            + "\"error\":{\"code\":\"c\",\"message\":\"m\"}}");
    codec.encode(new Message.Pong());
    // A socket that accepts and never answers: the WebSocket client connects and sends its
    // upgrade request, which loads most of what a real connection uses.
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        EngineWorker worker =
            EngineWorker.create(
                WorkerOptions.builder(URI.create("ws://127.0.0.1:" + closed.getLocalPort() + "/"))
                    .build())) {
      CompletableFuture<Void> started = worker.start();
      try {
        started.get(300, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException expected) {
        // The listener never answers the upgrade; loading the classes was the point.
      }
    }
    sink.print(JsonText.pretty(JsonText.parse("{\"a\":[1,2.5,\"x\",true,null,{}]}")));
    new Table("A", "B").limit(1, 3).row("x", "yyyyy").print(sink);
    Suggestions.closeMatches("engine::functions::lst", List.of("engine::functions::list"));
    return ExitCodes.OK;
  }

  private static void usage(CommandLine commandLine, PrintWriter sink) {
    commandLine.usage(sink);
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      usage(sub, sink);
    }
  }
}

package dev.iii4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.FunctionException;
import dev.iii4j.sdk.FunctionHandler;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.sdk.WorkerOptions;
import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The smallest complete Java worker, and the SDK's plain-Java proof: a {@code main} with no
 * framework, run with the SDK jar and its runtime dependencies only. It registers {@code
 * hello::greet}, calls it through the engine, calls it again with bad input to show a function's
 * error, prints both, and exits.
 *
 * <p>Run with the engine's URL as the argument (default {@code ws://127.0.0.1:49134/}).
 */
public final class HelloWorker {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private HelloWorker() {}

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    URI url = URI.create(args.length > 0 ? args[0] : "ws://127.0.0.1:49134/");
    try (EngineWorker worker =
        EngineWorker.create(WorkerOptions.builder(url).workerName("hello-java").build())) {
      worker.registerFunction(
          "hello::greet",
          FunctionHandler.sync(
              in -> {
                JsonNode name = in == null ? null : in.get("name");
                if (name == null || !name.isTextual()) {
                  throw new FunctionException("bad_request", "`name` must be a string");
                }
                return JSON.objectNode().put("message", "Hello, " + name.textValue() + "!");
              }));
      worker.start().get(10, TimeUnit.SECONDS);

      JsonNode answer =
          worker
              .call("hello::greet", JSON.objectNode().put("name", "Ada"))
              .get(10, TimeUnit.SECONDS);
      System.out.println(answer.get("message").textValue());
      try {
        worker.call("hello::greet", JSON.objectNode().put("name", 7)).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof WorkerException.Remote remote) {
          System.out.println("error " + remote.code() + ": " + remote.getMessage());
        } else {
          throw e;
        }
      }
      System.out.println(
          "micronaut on classpath: " + present("io.micronaut.core.annotation.Nullable"));
    }
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, HelloWorker.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}

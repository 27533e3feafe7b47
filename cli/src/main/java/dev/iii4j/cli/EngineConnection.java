package dev.iii4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.sdk.WorkerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One worker connection of the CLI, made with the Java worker SDK, that turns every SDK failure
 * into a {@link CliException} with the documented exit code. The CLI registers nothing; the SDK
 * reports it to the engine as worker {@value #WORKER_NAME}.
 *
 * <p>Not thread-safe; one command uses it from its main thread, then closes it.
 */
final class EngineConnection implements AutoCloseable {
  /** The worker name the CLI reports in {@code engine::workers::register}. */
  static final String WORKER_NAME = "iii-cli";

  private final EngineWorker worker;
  private final URI url;
  private final Duration timeout;

  private EngineConnection(EngineWorker worker, URI url, Duration timeout) {
    this.worker = worker;
    this.url = url;
    this.timeout = timeout;
  }

  /**
   * Connects and waits for the engine's {@code workerregistered}.
   *
   * @throws CliException with {@link ExitCodes#UNREACHABLE} when nothing listens at the URL or the
   *     engine does not accept the connection within {@link EngineOptions#CONNECT_TIMEOUT}
   */
  static EngineConnection open(URI url, @Nullable String serviceToken, Duration timeout) {
    Duration connectTimeout = EngineOptions.CONNECT_TIMEOUT;
    // The SDK retries forever while the engine is down; a terminal wants to know at once.
    probe(url, connectTimeout);
    WorkerOptions.Builder options =
        WorkerOptions.builder(url)
            .workerName(WORKER_NAME)
            .invocationTimeout(timeout)
            .connectTimeout(connectTimeout)
            .reconnectInitialDelay(Duration.ofMillis(100))
            .reconnectMaxDelay(Duration.ofSeconds(1));
    if (serviceToken != null) {
      options.serviceToken(serviceToken);
    }
    EngineWorker worker = EngineWorker.create(options.build());
    try {
      worker.start().get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      worker.close();
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "the engine at "
              + url
              + " did not accept the connection within "
              + connectTimeout.toSeconds()
              + "s (a listener with an auth function may have refused it)");
    } catch (ExecutionException e) {
      worker.close();
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "cannot connect to the engine at " + url + ": " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.close();
      throw new CliException(ExitCodes.INTERNAL, "interrupted while connecting");
    }
    return new EngineConnection(worker, url, timeout);
  }

  private static void probe(URI url, Duration connectTimeout) {
    boolean secure = "wss".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() != -1 ? url.getPort() : secure ? 443 : 80;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(url.getHost(), port), (int) connectTimeout.toMillis());
    } catch (UnknownHostException e) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "cannot reach the engine at " + url + ": unknown host " + url.getHost());
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "cannot reach the engine at "
              + url
              + ": "
              + e.getMessage()
              + " (is it running? bin/stack starts it; III_URL points elsewhere)");
    }
  }

  /** The engine URL of this connection. */
  URI url() {
    return url;
  }

  /** The worker id the engine gave this connection. */
  Optional<String> workerId() {
    return worker.workerId();
  }

  /**
   * Calls a function and waits for its result ({@code invokefunction} with an invocation id).
   *
   * @return the result, or null when the function answered without one
   * @throws CliException with {@link ExitCodes#NOT_FOUND}, {@link ExitCodes#FAILED}, {@link
   *     ExitCodes#TIMED_OUT} or {@link ExitCodes#UNREACHABLE}
   */
  @Nullable JsonNode call(String functionId, @Nullable JsonNode payload) {
    return await(
        functionId, worker.call(functionId, payload, CallOptions.defaults().withTimeout(timeout)));
  }

  /** Sends a fire-and-forget call ({@code action: void}); it leaves when the connection closes. */
  void callVoid(String functionId, @Nullable JsonNode payload) {
    worker.callVoid(functionId, payload);
  }

  /**
   * Hands a call to a durable queue ({@code action: enqueue}).
   *
   * @return the engine's {@code messageReceiptId}
   */
  String enqueue(String queue, String functionId, @Nullable JsonNode payload) {
    return await(functionId, worker.enqueue(queue, functionId, payload));
  }

  private <T> T await(String functionId, CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WorkerException failure) {
        throw translate(functionId, failure);
      }
      throw new CliException(ExitCodes.INTERNAL, String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.INTERNAL, "interrupted while waiting for " + functionId);
    }
  }

  private CliException translate(String functionId, WorkerException failure) {
    return switch (failure) {
      case WorkerException.Remote remote -> {
        String code = remote.code();
        int exit =
            ErrorCode.FUNCTION_NOT_FOUND.wire().equals(code)
                ? ExitCodes.NOT_FOUND
                : ErrorCode.INVOCATION_TIMEOUT.wire().equals(code)
                    ? ExitCodes.TIMED_OUT
                    : ExitCodes.FAILED;
        yield CliException.remote(exit, code, remote.getMessage(), remote.stacktrace());
      }
      case WorkerException.Timeout timedOut ->
          new CliException(
              ExitCodes.TIMED_OUT,
              null,
              "no answer from "
                  + functionId
                  + " within "
                  + describe(timeout)
                  + " (raise it with --timeout or --timeout-ms)",
              null);
      case WorkerException.NotConnected lost ->
          new CliException(
              ExitCodes.UNREACHABLE,
              "lost the connection to the engine at " + url + ": " + lost.getMessage());
      case WorkerException.HandlerFailed handler ->
          new CliException(ExitCodes.INTERNAL, handler.getMessage());
      case WorkerException.Protocol protocol ->
          new CliException(ExitCodes.FAILED, "protocol error: " + protocol.getMessage());
    };
  }

  /** A duration as the user would type it: 500ms, 10s, 2m. */
  static String describe(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** Closes the connection after the frames already queued (a void call included) are sent. */
  @Override
  public void close() {
    worker.close();
  }
}

package dev.iii4j.compat;

import dev.iii4j.gateway.ws.WorkerListener;
import io.micronaut.context.ApplicationContext;
import java.util.Map;

/** A real gateway in this JVM that can be stopped and started again on the same port. */
final class GatewayProcess implements AutoCloseable {
  private final String serviceToken;
  private ApplicationContext context;
  private int port;

  GatewayProcess(String serviceToken) {
    this.serviceToken = serviceToken;
    start(0);
  }

  private synchronized void start(int wantedPort) {
    context =
        ApplicationContext.run(
            Map.of(
                "engine.gateway.port",
                wantedPort,
                "engine.gateway.host",
                "127.0.0.1",
                "engine.gateway.service-token",
                serviceToken,
                "engine.gateway.functions-poll-interval",
                "1s",
                "micronaut.server.port",
                -1));
    port = context.getBean(WorkerListener.class).port();
  }

  /** Stops the gateway (gracefully) and starts a fresh one on the same port. */
  synchronized void restart() {
    int samePort = port;
    context.close();
    start(samePort);
  }

  synchronized int port() {
    return port;
  }

  String url() {
    return "ws://127.0.0.1:" + port() + "/";
  }

  @Override
  public synchronized void close() {
    context.close();
  }
}

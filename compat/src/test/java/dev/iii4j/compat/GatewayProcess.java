package dev.iii4j.compat;

import dev.iii4j.gateway.ws.WorkerListener;
import io.micronaut.context.ApplicationContext;
import java.util.List;
import java.util.Map;

/**
 * A real gateway in this JVM that can be stopped and started again on the same ports. Besides the
 * main listener it has an RBAC listener named {@code rbac}, configured like the Node SDK's own test
 * fixture; its auth, middleware and hook functions are registered by the tests.
 */
final class GatewayProcess implements AutoCloseable {
  private final String serviceToken;
  private ApplicationContext context;
  private int port;
  private int rbacPort;

  GatewayProcess(String serviceToken) {
    this.serviceToken = serviceToken;
    start(0, 0);
  }

  private synchronized void start(int wantedPort, int wantedRbacPort) {
    String rbac = "engine.gateway.listeners.rbac.";
    context =
        ApplicationContext.run(
            Map.ofEntries(
                Map.entry("engine.gateway.port", wantedPort),
                Map.entry("engine.gateway.host", "127.0.0.1"),
                Map.entry("engine.gateway.service-token", serviceToken),
                Map.entry("engine.gateway.functions-poll-interval", "1s"),
                Map.entry(rbac + "port", wantedRbacPort),
                Map.entry(rbac + "host", "127.0.0.1"),
                Map.entry(rbac + "middleware-function-id", "test::rbac-worker::middleware"),
                Map.entry(rbac + "auth-function-id", "test::rbac-worker::auth"),
                Map.entry(
                    rbac + "on-function-registration-function-id",
                    "test::rbac-worker::on-function-reg"),
                Map.entry(
                    rbac + "on-trigger-registration-function-id",
                    "test::rbac-worker::on-trigger-reg"),
                Map.entry(
                    rbac + "on-trigger-type-registration-function-id",
                    "test::rbac-worker::on-trigger-type-reg"),
                Map.entry(
                    rbac + "expose-functions",
                    List.of(
                        "match(\"test::ew::public::*\")",
                        "match(\"engine::functions::list\")",
                        "metadata.ew_public=true")),
                Map.entry("micronaut.server.port", -1)));
    WorkerListener listener = context.getBean(WorkerListener.class);
    port = listener.port();
    rbacPort = listener.port("rbac");
  }

  /** Stops the gateway (gracefully) and starts a fresh one on the same ports. */
  synchronized void restart() {
    int samePort = port;
    int sameRbacPort = rbacPort;
    context.close();
    start(samePort, sameRbacPort);
  }

  synchronized String url() {
    return "ws://127.0.0.1:" + port + "/";
  }

  synchronized String rbacUrl() {
    return "ws://127.0.0.1:" + rbacPort + "/";
  }

  @Override
  public synchronized void close() {
    context.close();
  }
}

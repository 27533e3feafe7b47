package dev.iii4j.testing;

import dev.iii4j.sdk.EngineWorker;
import io.micronaut.context.ApplicationContext;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The set-up of a test class that calls a service's functions: a {@link GatewayHarness}, the
 * service started against it, and a client worker that has seen the service answer. Closing it
 * stops all three.
 *
 * <pre>{@code
 * stack = ServiceWithClient.start(
 *     gateway -> StateServiceInstance.start(StateServiceInstance.properties(gateway, db)),
 *     "state-functions-client",
 *     "state::list_groups");
 * }</pre>
 */
public final class ServiceWithClient implements AutoCloseable {
  private final GatewayHarness gateway;
  private final ApplicationContext service;
  private final EngineWorker client;

  private ServiceWithClient(
      GatewayHarness gateway, ApplicationContext service, EngineWorker client) {
    this.gateway = gateway;
    this.service = service;
    this.client = client;
  }

  /**
   * Starts a gateway, then {@code service} against it, then a client worker named {@code
   * clientName}, and waits until {@code readyFunction} (called with {@code {}}) answers.
   */
  public static ServiceWithClient start(
      Function<GatewayHarness, ApplicationContext> service, String clientName, String readyFunction)
      throws Exception {
    return start(service, clientName, client -> Calls.awaitAnswer(client, readyFunction));
  }

  /**
   * Starts a gateway, then {@code service} against it, then a client worker named {@code
   * clientName}, and returns once {@code awaitReady} (which waits for the service) returns.
   */
  public static ServiceWithClient start(
      Function<GatewayHarness, ApplicationContext> service,
      String clientName,
      Consumer<EngineWorker> awaitReady)
      throws Exception {
    GatewayHarness gateway = GatewayHarness.start();
    ApplicationContext context = null;
    try {
      context = service.apply(gateway);
      EngineWorker client = gateway.worker(clientName);
      client.start().get(10, TimeUnit.SECONDS);
      awaitReady.accept(client);
      return new ServiceWithClient(gateway, context, client);
    } catch (Exception | Error e) {
      if (context != null) {
        context.close();
      }
      gateway.close();
      throw e;
    }
  }

  public GatewayHarness gateway() {
    return gateway;
  }

  public ApplicationContext service() {
    return service;
  }

  public EngineWorker client() {
    return client;
  }

  /** Closes {@code stack} when it was started (for an {@code @AfterAll} after a failed start). */
  public static void close(ServiceWithClient stack) {
    if (stack != null) {
      stack.close();
    }
  }

  @Override
  public void close() {
    client.close();
    service.close();
    gateway.close();
  }
}

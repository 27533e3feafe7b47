package dev.iii4j.testing;

import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.gateway.registry.TriggerRegistry;
import dev.iii4j.gateway.ws.WorkerListener;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.WorkerOptions;
import io.micronaut.context.ApplicationContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real engine gateway in the test JVM, on free ports, with a service token, plus SDK clients that
 * are closed with it. Services' tests connect their service to {@link #url()} with {@link
 * #serviceToken()} exactly as in production, and drive it through {@link #worker(String)}.
 *
 * <pre>{@code
 * try (GatewayHarness gateway = GatewayHarness.start()) {
 *   EngineWorker client = gateway.worker("client");
 *   client.start().get();
 *   client.call("state::get", input).get();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #restart()} stops the gateway gracefully and starts a new one on the same
 * ports, as an operator's restart would; connected SDK clients reconnect and replay by themselves.
 */
public final class GatewayHarness implements AutoCloseable {
  private final Map<String, Object> properties;
  private final String serviceToken = "test-" + UUID.randomUUID();
  private final List<EngineWorker> workers = new ArrayList<>();
  private ApplicationContext context;
  private int port;
  private final Map<String, Integer> listenerPorts = new HashMap<>();

  private GatewayHarness(Map<String, Object> extra) {
    this.properties = new HashMap<>(extra);
    run(0);
  }

  /** A gateway with default settings. */
  public static GatewayHarness start() {
    return new GatewayHarness(Map.of());
  }

  /**
   * A gateway with extra configuration, for example additional listeners ({@code
   * engine.gateway.listeners.<name>.*}; their ports are kept across restarts).
   */
  public static GatewayHarness start(Map<String, Object> properties) {
    return new GatewayHarness(properties);
  }

  private synchronized void run(int wantedPort) {
    Map<String, Object> all = new HashMap<>(properties);
    all.put("engine.gateway.port", wantedPort);
    all.put("engine.gateway.host", "127.0.0.1");
    all.put("engine.gateway.service-token", serviceToken);
    all.putIfAbsent("engine.gateway.functions-poll-interval", "1s");
    all.put("micronaut.server.port", -1);
    listenerPorts.forEach((name, p) -> all.put("engine.gateway.listeners." + name + ".port", p));
    context = ApplicationContext.run(all);
    WorkerListener listener = context.getBean(WorkerListener.class);
    port = listener.port();
    for (String key : properties.keySet()) {
      if (key.startsWith("engine.gateway.listeners.") && key.endsWith(".port")) {
        String name =
            key.substring("engine.gateway.listeners.".length(), key.length() - ".port".length());
        listenerPorts.put(name, listener.port(name));
      }
    }
  }

  /** Whether some worker has registered function {@code id} with this gateway right now. */
  public synchronized boolean hasFunction(String id) {
    return context.getBean(FunctionRegistry.class).get(id) != null;
  }

  /** Whether some provider has registered trigger type {@code id} with this gateway right now. */
  public synchronized boolean hasTriggerType(String id) {
    TriggerRegistry.TypeView type = context.getBean(TriggerRegistry.class).type(id);
    return type != null && !type.providers().isEmpty();
  }

  /** The worker URL of the main listener. */
  public synchronized URI url() {
    return URI.create("ws://127.0.0.1:" + port + "/");
  }

  /** The worker URL of an additional listener. */
  public synchronized URI url(String listener) {
    Integer p = listenerPorts.get(listener);
    if (p == null) {
      throw new IllegalArgumentException("no listener " + listener + " configured");
    }
    return URI.create("ws://127.0.0.1:" + p + "/");
  }

  /** The main listener's port. */
  public synchronized int port() {
    return port;
  }

  /** The token trusted (built-in) services present. */
  public String serviceToken() {
    return serviceToken;
  }

  /** The gateway's application context, for tests that need a bean. */
  public synchronized ApplicationContext context() {
    return context;
  }

  /** Options for an SDK client of this gateway, with short reconnect delays for tests. */
  public WorkerOptions.Builder options(String name) {
    return WorkerOptions.builder(url())
        .workerName(name)
        .reconnectInitialDelay(Duration.ofMillis(50))
        .reconnectMaxDelay(Duration.ofMillis(500))
        .invocationTimeout(Duration.ofSeconds(10));
  }

  /** A new SDK client (not started), closed with the harness. */
  public EngineWorker worker(String name) {
    return track(EngineWorker.create(options(name).build()));
  }

  /** A new SDK client that presents the service token (a stand-in built-in service). */
  public EngineWorker serviceWorker(String name) {
    return track(EngineWorker.create(options(name).serviceToken(serviceToken).build()));
  }

  private synchronized EngineWorker track(EngineWorker worker) {
    workers.add(worker);
    return worker;
  }

  /** Stops the gateway gracefully and starts a fresh one on the same ports. */
  public synchronized void restart() {
    int samePort = port;
    context.close();
    run(samePort);
  }

  @Override
  public synchronized void close() {
    for (EngineWorker worker : workers) {
      worker.close();
    }
    workers.clear();
    context.close();
  }
}

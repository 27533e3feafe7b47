package dev.iii4j.bench;

import dev.iii4j.process.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The components of a run, each started when a benchmark first needs it: the infrastructure child
 * JVM, the floor server, and the gateway and services as processes from their runnable jars (as
 * {@code bin/stack} starts them). Every service start is timed from launch to {@code
 * /health/readiness}, and its resident set measured once it has been idle for a moment: B9.
 */
final class Stack implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
  private static final Pattern STARTUP = Pattern.compile("Startup completed in (\\d+)ms");

  private final Options options;
  private final Path logs;
  private final String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final String token = "bench-" + UUID.randomUUID();
  private final List<ChildProcess> running = new ArrayList<>();
  private final Map<String, Footprint> footprints = new LinkedHashMap<>();
  private Infra infra;
  private Floor floor;
  private Service gateway;
  private String serviceGc;

  /** What B9 reports for one service. */
  record Footprint(double readyMillis, Double micronautMillis, long idleRssBytes) {}

  /** PostgreSQL and Kafka of this run. */
  record Infra(String pgUser, String pgPassword, String stateDb, String cronDb, String kafka) {}

  /** The floor server's ports. */
  record Floor(int wsPort, int httpPort, long pid) {
    URI wsUrl() {
      return URI.create("ws://127.0.0.1:" + wsPort + "/");
    }
  }

  /** A running service process. */
  record Service(String name, ChildProcess proc, int managementPort, int port) {
    URI wsUrl() {
      return URI.create("ws://127.0.0.1:" + port + "/");
    }

    String management(String path) {
      return "http://127.0.0.1:" + managementPort + path;
    }
  }

  Stack(Options options) {
    this.options = options;
    this.logs = options.out().resolve("logs");
  }

  String token() {
    return token;
  }

  Path logs() {
    return logs;
  }

  Map<String, Footprint> footprints() {
    return footprints;
  }

  /** The GC of the service JVMs, as {@code jcmd VM.flags} of the gateway shows it. */
  String serviceGc() {
    return serviceGc == null ? "unknown (no service started)" : serviceGc;
  }

  synchronized Infra infra() {
    if (infra == null) {
      ChildProcess p =
          track(
              launch(
                  "infra",
                  List.of(
                      javaBin,
                      "-Xmx512m",
                      "-cp",
                      System.getProperty("java.class.path"),
                      InfraMain.class.getName()),
                  Map.of()));
      p.awaitLine(Pattern.compile("^READY$"), READY_TIMEOUT);
      infra =
          new Infra(
              value(p, "PG_USER"),
              value(p, "PG_PASSWORD").equals("-") ? "" : value(p, "PG_PASSWORD"),
              value(p, "PG_STATE"),
              value(p, "PG_CRON"),
              value(p, "KAFKA"));
    }
    return infra;
  }

  private static String value(ChildProcess p, String key) {
    return p.awaitLine(Pattern.compile("^" + key + " (\\S+)$"), Duration.ofSeconds(5)).group(1);
  }

  synchronized Floor floor() {
    if (floor == null) {
      int ws = freePort();
      int http = freePort();
      List<String> command = new ArrayList<>();
      command.add(javaBin);
      command.addAll(options.serviceJvmFlags());
      command.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              FloorServer.class.getName(),
              Integer.toString(ws),
              Integer.toString(http)));
      ChildProcess p = track(launch("floor-server", command, Map.of()));
      p.awaitLine(Pattern.compile("^READY$"), READY_TIMEOUT);
      floor = new Floor(ws, http, p.pid());
    }
    return floor;
  }

  /** The gateway the benchmarks share. */
  synchronized Service gateway() {
    if (gateway == null) {
      gateway = startGateway("engine-gateway");
      String flags = Machine.jcmd(gateway.proc().pid(), "VM.flags");
      Matcher gc = Pattern.compile("-XX:\\+Use(\\w+)GC").matcher(flags);
      serviceGc = gc.find() ? gc.group(1) + " (from jcmd VM.flags of the gateway)" : "unknown";
    }
    return gateway;
  }

  /** A gateway of its own (B8 measures one that served nothing else). */
  Service startGateway(String name) {
    int port = freePort();
    int management = freePort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ENGINE_GATEWAY_HOST", "127.0.0.1");
    env.put("ENGINE_GATEWAY_PORT", Integer.toString(port));
    env.put("ENGINE_MANAGEMENT_PORT", Integer.toString(management));
    env.put("III_SERVICE_TOKEN", token);
    return startService(name, "engine-gateway", options.gatewayJvmFlags(), env, management, port);
  }

  /** The environment of a service on database {@code jdbcUrl} with this run's gateway. */
  private Map<String, String> databaseServiceEnv(String jdbcUrl, int management) {
    Infra i = infra();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DATASOURCES_DEFAULT_URL", jdbcUrl);
    env.put("DATASOURCES_DEFAULT_USERNAME", i.pgUser());
    env.put("DATASOURCES_DEFAULT_PASSWORD", i.pgPassword());
    env.put("ENGINE_GATEWAY_URL", gateway().wsUrl().toString());
    env.put("III_SERVICE_TOKEN", token);
    env.put("ENGINE_MANAGEMENT_PORT", Integer.toString(management));
    return env;
  }

  Service startState() {
    int management = freePort();
    Map<String, String> env = databaseServiceEnv(infra().stateDb(), management);
    return startService(
        "state-service", "state-service", options.serviceJvmFlags(), env, management, 0);
  }

  /** stream-service on the state database (its tables live in their own schema, iii_stream). */
  Service startStream() {
    int management = freePort();
    int port = freePort();
    Map<String, String> env = databaseServiceEnv(infra().stateDb(), management);
    env.put("ENGINE_STREAM_HOST", "127.0.0.1");
    env.put("ENGINE_STREAM_PORT", Integer.toString(port));
    return startService(
        "stream-service", "stream-service", options.serviceJvmFlags(), env, management, port);
  }

  Service startCron() {
    int management = freePort();
    Map<String, String> env = databaseServiceEnv(infra().cronDb(), management);
    return startService(
        "cron-service", "cron-service", options.serviceJvmFlags(), env, management, 0);
  }

  Service startQueue(int replica) {
    Infra i = infra();
    Service gw = gateway();
    int management = freePort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", i.kafka());
    env.put("ENGINE_GATEWAY_URL", gw.wsUrl().toString());
    env.put("III_SERVICE_TOKEN", token);
    env.put("ENGINE_MANAGEMENT_PORT", Integer.toString(management));
    return startService(
        "queue-service-" + replica, "queue-service", options.serviceJvmFlags(), env, management, 0);
  }

  Service startHttp() {
    Service gw = gateway();
    int management = freePort();
    int port = freePort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ENGINE_GATEWAY_URL", gw.wsUrl().toString());
    env.put("III_SERVICE_TOKEN", token);
    env.put("ENGINE_HTTP_HOST", "127.0.0.1");
    env.put("ENGINE_HTTP_PORT", Integer.toString(port));
    env.put("ENGINE_MANAGEMENT_PORT", Integer.toString(management));
    return startService(
        "http-service", "http-service", options.serviceJvmFlags(), env, management, port);
  }

  private Service startService(
      String name,
      String module,
      List<String> flags,
      Map<String, String> env,
      int management,
      int port) {
    Path jar = jar(module);
    List<String> command = new ArrayList<>();
    command.add(javaBin);
    command.addAll(flags);
    command.add("-jar");
    command.add(jar.toString());
    Map<String, String> all = new LinkedHashMap<>(env);
    all.putAll(options.serviceEnv());
    System.out.println("bench:   starting " + name);
    ChildProcess p = track(launch(name, command, all));
    double ready =
        p.awaitHttp200("http://127.0.0.1:" + management + "/health/readiness", READY_TIMEOUT);
    pause(options.idleSettle());
    Double micronaut = null;
    for (String line : p.lines()) {
      Matcher m = STARTUP.matcher(line);
      if (m.find()) {
        micronaut = Double.valueOf(m.group(1));
      }
    }
    footprints.putIfAbsent(name, new Footprint(ready, micronaut, Machine.rssBytes(p.pid())));
    return new Service(name, p, management, port);
  }

  private Path jar(String module) {
    Path target = options.root().resolve(module).resolve("target");
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, module + "-*-all.jar")) {
      for (Path jar : jars) {
        return jar;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "no " + target + "; build first (bin/bench builds unless --no-build)", e);
    }
    throw new IllegalStateException(
        "no runnable jar in " + target + "; build first (bin/bench builds unless --no-build)");
  }

  /**
   * Saves a service's {@code /prometheus} page into the logs folder (for example the gateway's
   * per-function invocation times after a benchmark), for looking into a figure afterwards.
   */
  void saveMetrics(Service service, String tag) {
    try {
      String page =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(service.management("/prometheus")))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Files.writeString(logs.resolve(service.name() + "-metrics-" + tag + ".txt"), page);
    } catch (IOException e) {
      System.err.println("bench: cannot save the metrics of " + service.name() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts a process that is stopped with the stack (Node processes, for example). */
  ChildProcess process(String name, List<String> command, Map<String, String> env) {
    return track(launch(name, command, env));
  }

  /** Starts a child process, its output in {@code <logs>/<name>.log} (a previous one removed). */
  private ChildProcess launch(String name, List<String> command, Map<String, String> env) {
    Path log = logs.resolve(name + ".log");
    try {
      Files.deleteIfExists(log);
      return ChildProcess.start(name, command, env, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  /** A free loopback port (closed again; a race with another process is unlikely here). */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private synchronized ChildProcess track(ChildProcess p) {
    running.add(p);
    return p;
  }

  /** Stops one service now (the others keep running). */
  synchronized void stop(Service service) {
    service.proc().close();
    running.remove(service.proc());
    if (service == gateway) {
      gateway = null;
    }
  }

  @Override
  public synchronized void close() {
    List<ChildProcess> reverse = new ArrayList<>(running);
    Collections.reverse(reverse);
    for (ChildProcess p : reverse) {
      p.close();
    }
    running.clear();
  }
}

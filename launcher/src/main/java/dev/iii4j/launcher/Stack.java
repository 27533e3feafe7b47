package dev.iii4j.launcher;

import dev.iii4j.process.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the whole stack on this machine without Docker: PostgreSQL and Kafka (real servers from
 * Maven Central), then the gateway and the services as child JVMs, each waited for until ready. A
 * child that dies is reported and restarted with backoff while the rest keep running ({@link
 * Supervisor}); only Ctrl-C (or SIGTERM) stops everything, in reverse order. Data lives in one
 * folder and is reused by the next start.
 *
 * <p>Options (environment, all optional): {@code III4J_DATA_DIR} (default {@code .run-data}),
 * {@code III4J_PG_PORT} (54329), {@code III4J_KAFKA_PORT} (19092), {@code III4J_QUEUE_REPLICAS}
 * (1), {@code ENGINE_GATEWAY_PORT} (49134), {@code III_SERVICE_TOKEN} (generated and kept in the
 * data folder), {@code JAVA_OPTS} for the service JVMs and {@code III4J_<KIND>_JAVA_OPTS} for one
 * kind of service ({@code GATEWAY}, {@code STATE}, {@code QUEUE}, ...), for example {@code
 * -Dengine.queues.orders.max-retries=5}. The services inherit the launcher's environment.
 */
public final class Stack {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  // TIME_WAIT lasts 60 s on Linux.
  private static final Duration PORT_RELEASE_WAIT = Duration.ofSeconds(75);

  private final Path root;
  private final Path data;
  private final Path logs;
  private final String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final Supervisor supervisor = new Supervisor(System.out);
  private volatile boolean stopping;
  private LocalPostgres postgres;

  private Stack(Path root, Path data) {
    this.root = root;
    this.data = data;
    this.logs = data.resolve("logs");
  }

  /** Entry point; the first argument is the repository root (default: the working directory). */
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
    Path data =
        Path.of(env("III4J_DATA_DIR", root.resolve(".run-data").toString())).toAbsolutePath();
    Stack stack = new Stack(root, data);
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stack.stopAll();
                  stopped.complete(null);
                },
                "stack-stop"));
    try {
      stack.startAll();
    } catch (Exception e) {
      System.err.println("stack: " + e.getMessage());
      System.exit(1);
    }
    stack.watch();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static int port(String name, int fallback) {
    return Integer.parseInt(env(name, Integer.toString(fallback)));
  }

  private void startAll() throws Exception {
    Files.createDirectories(logs);
    String version = version();
    int pgPort = port("III4J_PG_PORT", 54329);
    int kafkaPort = port("III4J_KAFKA_PORT", 19092);
    int gatewayPort = port("ENGINE_GATEWAY_PORT", 49134);
    int replicas = port("III4J_QUEUE_REPLICAS", 1);
    int httpPort = port("ENGINE_HTTP_PORT", 3111);
    int streamPort = port("ENGINE_STREAM_PORT", 3112);
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("PostgreSQL (III4J_PG_PORT)", pgPort);
    ports.put("Kafka (III4J_KAFKA_PORT)", kafkaPort);
    ports.put("Kafka controller (III4J_KAFKA_PORT + 1)", kafkaPort + 1);
    ports.put("gateway workers (ENGINE_GATEWAY_PORT)", gatewayPort);
    ports.put("gateway management", 3120);
    ports.put("state-service management", 3121);
    ports.put("cron-service management", 3122);
    ports.put("http-service management", 3123);
    ports.put("http-service API (ENGINE_HTTP_PORT)", httpPort);
    ports.put("stream-service management", 3125);
    ports.put("observability-service management", 3126);
    ports.put("stream-service clients (ENGINE_STREAM_PORT)", streamPort);
    for (int i = 0; i < replicas; i++) {
      ports.put("queue-service management #" + (i + 1), 3124 + 10 * i);
    }
    for (Map.Entry<String, Integer> p : ports.entrySet()) {
      Ports.requireFree(p.getKey(), p.getValue(), PORT_RELEASE_WAIT, Stack::note);
    }
    String token = serviceToken();

    step("PostgreSQL on 127.0.0.1:" + pgPort);
    postgres = new LocalPostgres(data, pgPort);
    postgres.start(logs);
    done("PostgreSQL", "data in " + data.resolve("postgres"));

    step("Kafka on 127.0.0.1:" + kafkaPort);
    LocalKafka kafka = new LocalKafka(data, kafkaPort, kafkaPort + 1);
    String classpath = System.getProperty("java.class.path");
    supervisor.add(
        "kafka",
        kafka.start(javaBin, classpath, logs),
        () -> kafka.start(javaBin, classpath, logs),
        c -> {});
    done("Kafka", "data in " + data.resolve("kafka"));

    String gatewayUrl = "ws://127.0.0.1:" + gatewayPort + "/";
    List<ServiceSpec> services = new ArrayList<>();
    services.add(
        new ServiceSpec(
            "engine-gateway",
            jar("engine-gateway", version),
            3120,
            Map.of(
                "ENGINE_GATEWAY_PORT",
                Integer.toString(gatewayPort),
                "ENGINE_MANAGEMENT_PORT",
                "3120",
                "III_SERVICE_TOKEN",
                token)));
    Map<String, String> db =
        Map.of(
            "DATASOURCES_DEFAULT_URL",
            postgres.jdbcUrl(),
            "DATASOURCES_DEFAULT_USERNAME",
            LocalPostgres.USER,
            "DATASOURCES_DEFAULT_PASSWORD",
            "");
    services.add(
        new ServiceSpec(
            "state-service",
            jar("state-service", version),
            3121,
            merge(
                db,
                Map.of(
                    "ENGINE_GATEWAY_URL",
                    gatewayUrl,
                    "III_SERVICE_TOKEN",
                    token,
                    "ENGINE_MANAGEMENT_PORT",
                    "3121"))));
    services.add(
        new ServiceSpec(
            "cron-service",
            jar("cron-service", version),
            3122,
            merge(
                db,
                Map.of(
                    "ENGINE_GATEWAY_URL",
                    gatewayUrl,
                    "III_SERVICE_TOKEN",
                    token,
                    "ENGINE_MANAGEMENT_PORT",
                    "3122"))));
    services.add(
        new ServiceSpec(
            "observability-service",
            jar("observability-service", version),
            3126,
            merge(
                db,
                Map.of(
                    "ENGINE_GATEWAY_URL",
                    gatewayUrl,
                    "III_SERVICE_TOKEN",
                    token,
                    "ENGINE_MANAGEMENT_PORT",
                    "3126"))));
    services.add(
        new ServiceSpec(
            "http-service",
            jar("http-service", version),
            3123,
            Map.of(
                "ENGINE_GATEWAY_URL",
                gatewayUrl,
                "III_SERVICE_TOKEN",
                token,
                "ENGINE_HTTP_PORT",
                Integer.toString(httpPort),
                "ENGINE_MANAGEMENT_PORT",
                "3123")));
    services.add(
        new ServiceSpec(
            "stream-service",
            jar("stream-service", version),
            3125,
            merge(
                db,
                Map.of(
                    "ENGINE_GATEWAY_URL",
                    gatewayUrl,
                    "III_SERVICE_TOKEN",
                    token,
                    "ENGINE_STREAM_PORT",
                    Integer.toString(streamPort),
                    "ENGINE_MANAGEMENT_PORT",
                    "3125"))));
    for (int i = 0; i < replicas; i++) {
      int management = 3124 + 10 * i;
      services.add(
          new ServiceSpec(
              replicas == 1 ? "queue-service" : "queue-service-" + (i + 1),
              jar("queue-service", version),
              management,
              Map.of(
                  "KAFKA_BOOTSTRAP_SERVERS",
                  kafka.bootstrapServers(),
                  "ENGINE_GATEWAY_URL",
                  gatewayUrl,
                  "III_SERVICE_TOKEN",
                  token,
                  "ENGINE_MANAGEMENT_PORT",
                  Integer.toString(management))));
    }
    for (ServiceSpec service : services) {
      startService(service);
    }
    System.out.println();
    System.out.println("stack: ready. Workers connect to " + gatewayUrl);
    System.out.println(
        "stack: the HTTP API (http triggers) is at http://127.0.0.1:" + httpPort + "/");
    System.out.println("stack: stream clients connect to ws://127.0.0.1:" + streamPort + "/");
    System.out.println(
        "stack: health: http://127.0.0.1:3120/health (gateway), :3121 (state), :3122 (cron), :3123 (http), :3124 (queue), :3125 (stream), :3126 (observability)");
    System.out.println(
        "stack: PostgreSQL "
            + postgres.jdbcUrl()
            + " (user postgres), Kafka "
            + kafka.bootstrapServers());
    System.out.println("stack: logs in " + logs + "; Ctrl-C stops everything");
  }

  private void startService(ServiceSpec service) throws IOException, InterruptedException {
    if (!Files.exists(service.jar())) {
      throw new IllegalStateException(service.jar() + " is missing; run bin/stack --rebuild");
    }
    step(service.name());
    ChildProcess child = launch(service);
    String readiness = "http://127.0.0.1:" + service.managementPort() + "/health/readiness";
    child.awaitHttp200(readiness, READY_TIMEOUT);
    supervisor.add(
        service.name(),
        child,
        () -> launch(service),
        restarted -> {
          restarted.awaitHttp200(readiness, READY_TIMEOUT);
          System.out.println("stack: " + service.name() + " is ready again");
        });
    done(
        service.name(),
        "pid " + child.pid() + ", http://127.0.0.1:" + service.managementPort() + "/health");
  }

  private ChildProcess launch(ServiceSpec service) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaBin);
    String extra =
        env("III4J_" + service.kind().toUpperCase(java.util.Locale.ROOT) + "_JAVA_OPTS", "");
    for (String option : (env("JAVA_OPTS", "-Xmx384m") + " " + extra).split("\\s+")) {
      if (!option.isBlank()) {
        command.add(option);
      }
    }
    command.add("-jar");
    command.add(service.jar().toString());
    return ChildProcess.start(
        service.name(), command, service.env(), logs.resolve(service.name() + ".log"));
  }

  /**
   * Supervises the children until the launcher is stopped: one that dies is reported and restarted
   * with backoff while the others keep running.
   */
  private void watch() throws InterruptedException {
    while (!stopping) {
      supervisor.check();
      Thread.sleep(500);
    }
  }

  private synchronized void stopAll() {
    stopping = true;
    if (supervisor.isEmpty() && postgres == null) {
      return;
    }
    System.out.println("stack: stopping");
    supervisor.stopAll(STOP_GRACE);
    try {
      if (postgres != null) {
        postgres.close();
        System.out.println("stack: stopped PostgreSQL");
      }
    } catch (IOException e) {
      System.err.println("stack: stopping PostgreSQL failed: " + e.getMessage());
    }
    postgres = null;
  }

  private String serviceToken() throws IOException {
    String given = System.getenv("III_SERVICE_TOKEN");
    if (given != null && !given.isBlank()) {
      return given;
    }
    Path file = data.resolve("service-token");
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    Files.writeString(file, token, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return token;
  }

  private Path jar(String module, String version) {
    return root.resolve(module).resolve("target").resolve(module + "-" + version + "-all.jar");
  }

  private String version() throws IOException {
    String pom = Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8);
    int parentEnd = pom.indexOf("</parent>");
    int start = pom.indexOf("<version>", parentEnd) + "<version>".length();
    return pom.substring(start, pom.indexOf("</version>", start)).trim();
  }

  private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    Map<String, String> out = new LinkedHashMap<>(a);
    out.putAll(b);
    return out;
  }

  private static void note(String what) {
    System.out.println("stack: " + what);
  }

  private static void step(String what) {
    System.out.println("stack: starting " + what + " ...");
  }

  private static void done(String what, String detail) {
    System.out.println("stack:   " + what + " ready (" + detail + ")");
  }
}

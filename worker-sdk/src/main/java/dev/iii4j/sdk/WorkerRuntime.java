package dev.iii4j.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.MessageCodec;
import dev.iii4j.protocol.SerialExecutor;
import dev.iii4j.protocol.TriggerAction;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The implementation behind {@link EngineWorker#create}. Public only so the API can construct it;
 * not part of the API.
 *
 * <p>It coordinates the worker's lifecycle and its connection to the engine (connect, replay on
 * open, keepalive, reconnect, close) and hands the rest to its parts: {@link Registry} (the
 * registrations), {@link Calls} (the outgoing calls), {@link Inbound} (the dispatch of inbound
 * frames) and {@link Outbound} (sending and the offline queue).
 *
 * <p>Locking: registrations, the current connection and the offline queue are guarded by one lock,
 * so a replay on open and a registration made at the same moment can never interleave wrongly.
 * Nothing blocks while holding it: registration frames are only queued on the connection's writer,
 * and calls and replies are written after it is released. An invocation finds its function without
 * the lock, in a concurrent copy of the registrations written under it: the listener thread never
 * waits for a registration or a send, and a function is found from the moment its registration
 * frame can have been sent until its unregistration frame is queued. The lock is {@link
 * Outbound#lock}; the lifecycle state below is guarded by it too.
 */
final class WorkerRuntime implements EngineWorker {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);

  /** The built-in function every SDK calls fire-and-forget after each open (spec 4.5). */
  static final String WORKERS_REGISTER = "engine::workers::register";

  /**
   * Keepalive and shutdown timings; internal so tests can shorten them.
   *
   * @param pingInterval how often to send a WebSocket Ping
   * @param idleTimeout reconnect when nothing at all arrived for this long
   * @param closeWait how long {@link WorkerRuntime#close()} waits for the Close handshake
   */
  record Timings(Duration pingInterval, Duration idleTimeout, Duration closeWait) {
    /** 20 s, 60 s and 2 s, as the Node SDK for the first two. */
    public static final Timings DEFAULT =
        new Timings(Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(2));
  }

  private final WorkerOptions options;
  private final Timings timings;
  private final MessageCodec codec;
  private final Backoff backoff;

  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor();
  private final String workerName;
  private final AtomicLong connectionNumbers = new AtomicLong();

  private final Outbound outbound;
  private final Object lock;
  private final Registry registry;
  private final Calls calls;
  private final Inbound inbound;
  // Guarded by lock.
  private @Nullable Connection connecting;
  private @Nullable ScheduledFuture<?> reconnectTask;
  private Message.@Nullable WorkerRegistered lastRegistration;
  private int attempt;
  private boolean started;

  private final CompletableFuture<Void> startFuture = new CompletableFuture<>();

  /** A worker with the default timings. */
  WorkerRuntime(WorkerOptions options) {
    this(options, Timings.DEFAULT);
  }

  /** A worker with the given timings (tests). */
  WorkerRuntime(WorkerOptions options, Timings timings) {
    this.options = Objects.requireNonNull(options, "options").validate();
    this.timings = Objects.requireNonNull(timings, "timings");
    this.codec = new MessageCodec();
    this.backoff = new Backoff(options.reconnectInitialDelay(), options.reconnectMaxDelay());
    // The JDK hands every received message from its selector thread to the client's executor
    // before calling the listener: one thread wake-up per frame. Run on the selector thread
    // instead: the listener only decodes and dispatches (handlers and the continuations of calls
    // run on the task executor; OnListener handlers are short by contract), and this client serves
    // this worker's one connection.
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(options.connectTimeout())
            .executor(Runnable::run)
            .build();
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "iii-worker-timer");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    this.scheduler = timer;
    this.workerName = options.workerName() != null ? options.workerName() : SdkInfo.defaultName();
    this.outbound = new Outbound(codec, this.options);
    this.lock = outbound.lock;
    this.registry = new Registry(outbound);
    this.calls = new Calls(this.options, codec, outbound, scheduler, tasks);
    this.inbound =
        new Inbound(this, codec, registry, calls, outbound, tasks, new SerialExecutor(tasks));
  }

  @Override
  public WorkerOptions options() {
    return options;
  }

  // ---------------------------------------------------------------- registrations

  @Override
  public FunctionRef registerFunction(String id, FunctionHandler handler) {
    return registerFunction(FunctionDefinition.of(id), handler);
  }

  @Override
  public FunctionRef registerFunction(FunctionDefinition definition, FunctionHandler handler) {
    return registry.registerFunction(definition, handler);
  }

  @Override
  public TriggerTypeRef registerTriggerType(
      String id, @Nullable String description, TriggerTypeProvider provider) {
    return registry.registerTriggerType(id, description, provider);
  }

  @Override
  public TriggerRef registerTrigger(
      String triggerType, String functionId, @Nullable JsonNode config) {
    return registerTrigger(triggerType, functionId, config, null);
  }

  @Override
  public TriggerRef registerTrigger(
      String triggerType,
      String functionId,
      @Nullable JsonNode config,
      @Nullable JsonNode metadata) {
    return registry.registerTrigger(triggerType, functionId, config, metadata);
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public CompletableFuture<Void> start() {
    synchronized (lock) {
      if (outbound.isClosed()) {
        return CompletableFuture.failedFuture(new WorkerException.NotConnected("worker is closed"));
      }
      if (!started) {
        started = true;
        connect();
      }
    }
    return startFuture;
  }

  @Override
  public Optional<String> workerId() {
    Connection c = outbound.current();
    Message.WorkerRegistered r = c == null ? null : c.registration;
    return r == null ? Optional.empty() : Optional.of(r.workerId());
  }

  @Override
  public boolean isConnected() {
    return outbound.current() != null;
  }

  @Override
  public long connectionNumber() {
    Connection c = outbound.current();
    return c == null ? -1 : c.number;
  }

  @Override
  public void close() {
    Connection open;
    Connection attempting;
    synchronized (lock) {
      if (outbound.isClosed()) {
        return;
      }
      outbound.markClosed();
      open = outbound.current();
      attempting = connecting;
      if (reconnectTask != null) {
        reconnectTask.cancel(false);
      }
    }
    WorkerException.NotConnected reason = new WorkerException.NotConnected("worker closed");
    calls.failAll(reason);
    startFuture.completeExceptionally(
        new WorkerException.NotConnected("worker closed before the engine registered it"));
    if (open != null) {
      try {
        open.close(1000, "worker closed")
            .get(timings.closeWait().toMillis(), TimeUnit.MILLISECONDS);
        open.gone.get(timings.closeWait().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.debug("close handshake of connection {} did not finish: {}", open.number, e.toString());
      }
      onLost(open, "worker closed", true);
    }
    if (attempting != null && attempting != open) {
      onLost(attempting, "worker closed", true);
    }
    scheduler.shutdownNow();
    tasks.shutdown();
    http.shutdownNow();
  }

  // ---------------------------------------------------------------- calls

  @Override
  public CompletableFuture<JsonNode> call(String functionId, @Nullable JsonNode data) {
    return call(functionId, data, CallOptions.defaults());
  }

  @Override
  public CompletableFuture<JsonNode> call(
      String functionId, @Nullable JsonNode data, CallOptions callOptions) {
    return calls.call(functionId, data, callOptions);
  }

  @Override
  public void callVoid(String functionId, @Nullable JsonNode data) {
    calls.callVoid(functionId, data);
  }

  @Override
  public CompletableFuture<String> enqueue(
      String queue, String functionId, @Nullable JsonNode data, CallOptions callOptions) {
    return calls.enqueue(queue, functionId, data, callOptions);
  }

  // ---------------------------------------------------------------- connection

  private void connect() {
    Connection connection = new Connection(this, connectionNumbers.incrementAndGet());
    synchronized (lock) {
      if (outbound.isClosed()) {
        return;
      }
      connecting = connection;
      reconnectTask = null;
    }
    LOG.debug("connecting to {} (connection {})", options.engineUrl(), connection.number);
    try {
      WebSocket.Builder builder =
          http.newWebSocketBuilder().connectTimeout(options.connectTimeout());
      options.upgradeHeaders().forEach(builder::header);
      CompletableFuture<?> unused =
          builder
              .buildAsync(options.engineUrl(), connection)
              .whenComplete(
                  (socket, error) -> {
                    if (error != null) {
                      onLost(connection, "connect failed: " + rootMessage(error), true);
                    }
                  });
    } catch (RuntimeException e) {
      onLost(connection, "connect failed: " + e, true);
    }
  }

  /** Called by the connection once the socket is open: replay everything, in spec order. */
  void onOpen(Connection connection) {
    synchronized (lock) {
      if (outbound.isClosed() || connection.isLost()) {
        connection.markLost(true);
        return;
      }
      connecting = null;
      outbound.setCurrent(connection);
      attempt = 0;
      List<byte[]> frames = new ArrayList<>();
      if (lastRegistration != null) {
        frames.add(
            codec.encodeToBytes(
                new Message.Reattach(
                    lastRegistration.workerId(), lastRegistration.reattachToken())));
      }
      registry.replay(codec, frames);
      outbound.drainOffline(connection, frames);
      frames.add(codec.encodeToBytes(registerWorkerMessage()));
      for (byte[] frame : frames) {
        connection.offer(frame);
      }
      long period =
          Math.max(
              10,
              Math.min(timings.pingInterval().toMillis(), timings.idleTimeout().toMillis()) / 4);
      connection.keepalive =
          scheduler.scheduleAtFixedRate(
              () -> keepalive(connection), period, period, TimeUnit.MILLISECONDS);
    }
    LOG.info("connected to {} (connection {})", options.engineUrl(), connection.number);
  }

  private void keepalive(Connection connection) {
    long now = System.nanoTime();
    if (now - connection.lastInboundNanos > timings.idleTimeout().toNanos()) {
      onLost(connection, "nothing arrived for " + timings.idleTimeout().toMillis() + " ms", true);
    } else if (now - connection.lastPingNanos >= timings.pingInterval().toNanos()) {
      connection.ping();
    }
  }

  /** Called once per lost connection, whatever the cause; schedules the reconnect. */
  void onLost(Connection connection, String reason, boolean abort) {
    if (!connection.markLost(abort)) {
      return;
    }
    boolean wasOpen;
    synchronized (lock) {
      wasOpen = outbound.current() == connection;
      if (wasOpen) {
        outbound.setCurrent(null);
      }
      if (connecting == connection) {
        connecting = null;
      }
    }
    WorkerException.NotConnected lostResult =
        new WorkerException.NotConnected("connection lost before the result arrived");
    calls.failSentOn(connection, lostResult);
    if (wasOpen) {
      // The engine drops this connection's trigger types and re-delivers every binding to the
      // next one, so local providers must forget what they got on this one.
      inbound.withdrawDeliveredBindings();
    }
    synchronized (lock) {
      if (outbound.isClosed()) {
        LOG.debug("connection {} closed: {}", connection.number, reason);
        return;
      }
      Duration delay = backoff.delay(attempt++);
      if (wasOpen) {
        LOG.warn(
            "connection {} to {} lost ({}); reconnecting in {} ms",
            connection.number,
            options.engineUrl(),
            reason,
            delay.toMillis());
      } else {
        LOG.info(
            "cannot connect to {} ({}); retrying in {} ms",
            options.engineUrl(),
            reason,
            delay.toMillis());
      }
      try {
        reconnectTask = scheduler.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        LOG.debug("not reconnecting: scheduler stopped");
      }
    }
  }

  // ---------------------------------------------------------------- inbound

  /** Called on the listener thread with each complete frame, in arrival order. */
  void onFrame(Connection connection, byte[] frame) {
    inbound.onFrame(connection, frame);
  }

  /** Called by {@link Inbound} when the engine registered this worker on {@code connection}. */
  void onWorkerRegistered(Connection connection, Message.WorkerRegistered m) {
    connection.registration = m;
    synchronized (lock) {
      lastRegistration = m;
    }
    LOG.info("registered as worker {} (connection {})", m.workerId(), connection.number);
    if (!startFuture.isDone()) {
      calls.completeLater(startFuture, null, null);
    }
  }

  /** The fire-and-forget call of {@link #WORKERS_REGISTER} sent after each open's replay. */
  private Message.InvokeFunction registerWorkerMessage() {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    fields.put("runtime", dev.iii4j.protocol.Json.nodes().textNode(SdkInfo.RUNTIME));
    fields.put("version", dev.iii4j.protocol.Json.nodes().textNode(SdkInfo.VERSION));
    fields.put("name", dev.iii4j.protocol.Json.nodes().textNode(workerName));
    fields.put("os", dev.iii4j.protocol.Json.nodes().textNode(SdkInfo.os()));
    fields.put("pid", dev.iii4j.protocol.Json.nodes().numberNode(SdkInfo.pid()));
    String isolation = System.getenv("III_ISOLATION");
    fields.put(
        "isolation",
        isolation == null
            ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
            : dev.iii4j.protocol.Json.nodes().textNode(isolation));
    return Message.InvokeFunction.of(
        null,
        WORKERS_REGISTER,
        new com.fasterxml.jackson.databind.node.ObjectNode(dev.iii4j.protocol.Json.nodes(), fields),
        null,
        null,
        new TriggerAction.Void(),
        null);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.toString();
  }
}

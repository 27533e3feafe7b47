package dev.iii4j.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.MessageCodec;
import dev.iii4j.protocol.ProtocolException;
import dev.iii4j.protocol.SerialExecutor;
import dev.iii4j.protocol.TriggerAction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
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
import org.slf4j.MDC;

/**
 * The implementation behind {@link EngineWorker#create}. Public only so the API can construct it;
 * not part of the API.
 *
 * <p>Locking: registrations, the current connection and the offline queue are guarded by one lock,
 * so a replay on open and a registration made at the same moment can never interleave wrongly.
 * Nothing blocks while holding it: registration frames are only queued on the connection's writer,
 * and calls and replies are written after it is released. An invocation finds its function without
 * the lock, in a concurrent copy of the registrations written under it: the listener thread never
 * waits for a registration or a send, and a function is found from the moment its registration
 * frame can have been sent until its unregistration frame is queued.
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

  /** MDC key of the function a handler runs for. */
  static final String MDC_FUNCTION = "function_id";

  /** MDC key of the invocation a handler answers (absent for fire-and-forget calls). */
  static final String MDC_INVOCATION = "invocation_id";

  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor();
  private final SerialExecutor providerCalls = new SerialExecutor(tasks);
  private final String workerName;
  private final AtomicLong connectionNumbers = new AtomicLong();

  private final Object lock = new Object();
  // Guarded by lock; insertion order is the replay order.
  private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
  // The same functions, written under lock together with functions, read without it by invocations.
  private final ConcurrentHashMap<String, LocalFunction> handlers = new ConcurrentHashMap<>();
  private final Map<String, LocalTriggerType> triggerTypes = new LinkedHashMap<>();
  private final Map<String, LocalTrigger> triggers = new LinkedHashMap<>();
  private final Deque<Queued> offline = new ArrayDeque<>();
  private @Nullable Connection connecting;
  private @Nullable ScheduledFuture<?> reconnectTask;
  private Message.@Nullable WorkerRegistered lastRegistration;
  private int attempt;
  private boolean started;
  private boolean closed;
  // Written under lock, read anywhere.
  private volatile @Nullable Connection current;

  private final ConcurrentHashMap<String, PendingCall> pending = new ConcurrentHashMap<>();
  // Bindings handed to local providers, by trigger id; withdrawn when the connection is lost.
  private final ConcurrentHashMap<String, Delivered> delivered = new ConcurrentHashMap<>();
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
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(handler, "handler");
    LocalFunction function = new LocalFunction(definition, handler);
    synchronized (lock) {
      requireNotClosed();
      if (functions.containsKey(definition.id())) {
        throw new DuplicateRegistrationException(definition.id());
      }
      functions.put(definition.id(), function);
      handlers.put(definition.id(), function);
      sendIfOpen(function.message());
    }
    return new FunctionRef() {
      @Override
      public String id() {
        return definition.id();
      }

      @Override
      public void unregister() {
        synchronized (lock) {
          if (functions.remove(definition.id(), function)) {
            handlers.remove(definition.id(), function);
            sendIfOpen(new Message.UnregisterFunction(definition.id()));
          }
        }
      }

      @Override
      public String toString() {
        return "FunctionRef[" + definition.id() + "]";
      }
    };
  }

  @Override
  public TriggerTypeRef registerTriggerType(
      String id, @Nullable String description, TriggerTypeProvider provider) {
    requireId(id, "trigger type id");
    Objects.requireNonNull(provider, "provider");
    LocalTriggerType type =
        new LocalTriggerType(
            new Message.RegisterTriggerType(id, description == null ? "" : description), provider);
    synchronized (lock) {
      requireNotClosed();
      if (triggerTypes.containsKey(id)) {
        throw new DuplicateRegistrationException(id);
      }
      triggerTypes.put(id, type);
      sendIfOpen(type.message());
    }
    return new TriggerTypeRef() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public void unregister() {
        synchronized (lock) {
          if (triggerTypes.remove(id, type)) {
            sendIfOpen(new Message.UnregisterTriggerType(id));
          }
        }
      }

      @Override
      public String toString() {
        return "TriggerTypeRef[" + id + "]";
      }
    };
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
    requireId(triggerType, "trigger type");
    requireId(functionId, "function id");
    Message.RegisterTrigger message =
        new Message.RegisterTrigger(
            UUID.randomUUID().toString(), triggerType, functionId, config, metadata);
    synchronized (lock) {
      requireNotClosed();
      triggers.put(message.id(), new LocalTrigger(message));
      sendIfOpen(message);
    }
    return new TriggerRef() {
      @Override
      public String id() {
        return message.id();
      }

      @Override
      public String triggerType() {
        return triggerType;
      }

      @Override
      public String functionId() {
        return functionId;
      }

      @Override
      public @Nullable JsonNode config() {
        return config;
      }

      @Override
      public void unregister() {
        synchronized (lock) {
          if (triggers.remove(message.id()) != null && !closed) {
            send(new Message.UnregisterTrigger(message.id(), triggerType), defaultDeadline(), null);
          }
        }
      }

      @Override
      public String toString() {
        return "TriggerRef[" + message.id() + " " + triggerType + " -> " + functionId + "]";
      }
    };
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public CompletableFuture<Void> start() {
    synchronized (lock) {
      if (closed) {
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
    Connection c = current;
    Message.WorkerRegistered r = c == null ? null : c.registration;
    return r == null ? Optional.empty() : Optional.of(r.workerId());
  }

  @Override
  public boolean isConnected() {
    return current != null;
  }

  @Override
  public long connectionNumber() {
    Connection c = current;
    return c == null ? -1 : c.number;
  }

  @Override
  public void close() {
    Connection open;
    Connection attempting;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      open = current;
      attempting = connecting;
      if (reconnectTask != null) {
        reconnectTask.cancel(false);
      }
      offline.clear();
    }
    WorkerException.NotConnected reason = new WorkerException.NotConnected("worker closed");
    for (PendingCall call : List.copyOf(pending.values())) {
      if (pending.remove(call.invocationId, call)) {
        call.future.completeExceptionally(reason);
      }
    }
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
    requireId(functionId, "function id");
    Objects.requireNonNull(callOptions, "callOptions");
    Duration timeout =
        callOptions.timeout() != null ? callOptions.timeout() : options.invocationTimeout();
    Message.InvokeFunction message =
        Message.InvokeFunction.of(
            InvocationIds.next(),
            functionId,
            data,
            callOptions.traceparent(),
            callOptions.baggage(),
            null,
            callOptions.metadata());
    return startCall(message, timeout);
  }

  @Override
  public void callVoid(String functionId, @Nullable JsonNode data) {
    requireId(functionId, "function id");
    Message.InvokeFunction message =
        Message.InvokeFunction.of(
            null, functionId, data, null, null, new TriggerAction.Void(), null);
    // Encoded before taking the lock, as calls are: every caller's send waits on that lock.
    byte[] frame;
    try {
      frame = codec.encodeToBytes(message);
    } catch (ProtocolException e) {
      LOG.error("cannot encode the call of {}; not sent", functionId, e);
      return;
    }
    long deadline = defaultDeadline();
    Connection target;
    synchronized (lock) {
      requireNotClosed();
      target = route(frame, deadline, null);
    }
    offer(target, frame, deadline, null);
  }

  @Override
  public CompletableFuture<String> enqueue(
      String queue, String functionId, @Nullable JsonNode data, CallOptions callOptions) {
    requireId(queue, "queue");
    requireId(functionId, "function id");
    Objects.requireNonNull(callOptions, "callOptions");
    Message.InvokeFunction message =
        Message.InvokeFunction.of(
            InvocationIds.next(),
            functionId,
            data,
            callOptions.traceparent(),
            callOptions.baggage(),
            new TriggerAction.Enqueue(queue),
            null);
    Duration timeout =
        callOptions.timeout() != null ? callOptions.timeout() : options.invocationTimeout();
    return startCall(message, timeout)
        .thenApply(
            result -> {
              JsonNode receipt = result == null ? null : result.get("messageReceiptId");
              if (receipt == null || !receipt.isTextual()) {
                throw new WorkerException.Protocol(
                    "enqueue result without a string messageReceiptId", null);
              }
              return receipt.textValue();
            });
  }

  private CompletableFuture<JsonNode> startCall(Message.InvokeFunction message, Duration timeout) {
    String id = Objects.requireNonNull(message.invocationId());
    byte[] frame;
    try {
      frame = codec.encodeToBytes(message);
    } catch (ProtocolException e) {
      return CompletableFuture.failedFuture(
          new WorkerException.Protocol("cannot encode the call of " + message.functionId(), e));
    }
    PendingCall call = new PendingCall(id, message.functionId(), tasks);
    long deadline;
    Connection target;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new WorkerException.NotConnected("worker is closed"));
      }
      pending.put(id, call);
      long millis = Math.max(1, timeout.toMillis());
      call.timer =
          scheduler.schedule(
              () -> {
                if (pending.remove(id, call)) {
                  completeLater(
                      call.future,
                      null,
                      new WorkerException.Timeout("invocation timed out after " + millis + "ms"));
                }
              },
              timeout.toNanos(),
              TimeUnit.NANOSECONDS);
      deadline = System.nanoTime() + timeout.toNanos();
      target = route(frame, deadline, call);
    }
    offer(target, frame, deadline, call);
    CompletableFuture<?> unused =
        call.future.whenCompleteInline(
            (r, e) -> {
              // Also covers a caller cancelling the future.
              pending.remove(id, call);
              ScheduledFuture<?> timer = call.timer;
              if (timer != null) {
                timer.cancel(false);
              }
            });
    return call.future;
  }

  // ---------------------------------------------------------------- connection

  private void connect() {
    Connection connection = new Connection(this, connectionNumbers.incrementAndGet());
    synchronized (lock) {
      if (closed) {
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
      if (closed || connection.isLost()) {
        connection.markLost(true);
        return;
      }
      connecting = null;
      current = connection;
      attempt = 0;
      List<byte[]> frames = new ArrayList<>();
      if (lastRegistration != null) {
        frames.add(
            codec.encodeToBytes(
                new Message.Reattach(
                    lastRegistration.workerId(), lastRegistration.reattachToken())));
      }
      triggerTypes.values().forEach(t -> frames.add(codec.encodeToBytes(t.message())));
      functions.values().forEach(f -> frames.add(codec.encodeToBytes(f.message())));
      triggers.values().forEach(t -> frames.add(codec.encodeToBytes(t.message())));
      long now = System.nanoTime();
      for (Queued q = offline.poll(); q != null; q = offline.poll()) {
        if (now - q.deadlineNanos > 0 || (q.call != null && q.call.future.isDone())) {
          continue;
        }
        if (q.call != null) {
          q.call.sentOn = connection;
        }
        frames.add(q.frame);
      }
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
      wasOpen = current == connection;
      if (wasOpen) {
        current = null;
      }
      if (connecting == connection) {
        connecting = null;
      }
    }
    WorkerException.NotConnected lostResult =
        new WorkerException.NotConnected("connection lost before the result arrived");
    for (PendingCall call : List.copyOf(pending.values())) {
      if (call.sentOn == connection && pending.remove(call.invocationId, call)) {
        completeLater(call.future, null, lostResult);
      }
    }
    if (wasOpen) {
      // The engine drops this connection's trigger types and re-delivers every binding to the
      // next one, so local providers must forget what they got on this one.
      withdrawDeliveredBindings();
    }
    synchronized (lock) {
      if (closed) {
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

  private void withdrawDeliveredBindings() {
    runOn(
        providerCalls,
        () -> {
          for (Delivered d : List.copyOf(delivered.values())) {
            if (delivered.remove(d.binding().id(), d)) {
              unregisterQuietly(d.provider(), d.binding());
            }
          }
        });
  }

  // ---------------------------------------------------------------- inbound

  /** Called on the listener thread with each complete frame, in arrival order. */
  void onFrame(Connection connection, byte[] frame) {
    if (blank(frame)) {
      return;
    }
    Message message;
    try {
      message = codec.decode(frame);
    } catch (ProtocolException e) {
      LOG.warn(
          "dropping a malformed frame on connection {}: {}", connection.number, e.getMessage());
      return;
    }
    switch (message) {
      case Message.WorkerRegistered m -> onWorkerRegistered(connection, m);
      case Message.InvocationResult m -> onInvocationResult(m);
      case Message.InvokeFunction m -> {
        LocalFunction function = handlers.get(m.functionId());
        if (function != null && function.handler() instanceof FunctionHandler.OnListener) {
          runInvocation(m, function);
        } else {
          // Looked up again on the task: one unregistered meanwhile is not found, as before.
          runOn(tasks, () -> runInvocation(m, handlers.get(m.functionId())));
        }
      }
      case Message.RegisterTrigger m -> runOn(providerCalls, () -> deliverTrigger(m));
      case Message.UnregisterTrigger m -> runOn(providerCalls, () -> withdrawTrigger(m));
      case Message.Ping m -> connection.offer(codec.encodeToBytes(new Message.Pong()));
      case Message.Pong m -> {}
      case Message.TriggerRegistrationResult m -> {
        if (m.error() != null) {
          LOG.error(
              "Trigger registration failed for \"{}\" ({}): {}",
              m.id(),
              m.triggerType(),
              m.error().message());
        }
      }
      case Message.ErrorFrame m ->
          LOG.error(
              "the engine refused connection {}: {}: {}",
              connection.number,
              m.error().code(),
              m.error().message());
      case Message.Unknown m ->
          LOG.warn(
              "ignoring a frame of unknown type {} on connection {}", m.type(), connection.number);
      default ->
          LOG.warn("ignoring a {} frame, which engines do not send", MessageCodec.typeOf(message));
    }
  }

  private void onWorkerRegistered(Connection connection, Message.WorkerRegistered m) {
    connection.registration = m;
    synchronized (lock) {
      lastRegistration = m;
    }
    LOG.info("registered as worker {} (connection {})", m.workerId(), connection.number);
    if (!startFuture.isDone()) {
      completeLater(startFuture, null, null);
    }
  }

  private void onInvocationResult(Message.InvocationResult m) {
    PendingCall call = pending.remove(m.invocationId());
    if (call == null) {
      LOG.debug("ignoring the result of unknown or finished invocation {}", m.invocationId());
      return;
    }
    // Completed here, without a hand-off: a caller's continuations run on the task executor anyway
    // (see CallFuture), so nothing the caller attached runs on the listener thread.
    if (m.error() != null) {
      call.future.completeExceptionally(new WorkerException.Remote(call.functionId, m.error()));
    } else {
      call.future.complete(m.result());
    }
  }

  /**
   * Runs the handler of {@code function}, the one registered for the invocation's function id (null
   * for none: the caller gets {@code function_not_found}), on this thread: the listener thread for
   * a {@link FunctionHandler.OnListener} handler, a task otherwise.
   */
  private void runInvocation(Message.InvokeFunction m, @Nullable LocalFunction function) {
    String id = m.invocationId();
    if (function == null) {
      if (id != null) {
        reply(
            Message.InvocationResult.failure(
                    id,
                    m.functionId(),
                    new ErrorBody(ErrorCode.FUNCTION_NOT_FOUND.wire(), "Function not found"))
                .withTrace(m.traceparent(), m.baggage()));
      } else {
        LOG.warn("no local function {} for a fire-and-forget invocation", m.functionId());
      }
      return;
    }
    Invocation invocation =
        new Invocation(id, m.functionId(), m.payload(), m.metadata(), m.traceparent(), m.baggage());
    CompletionStage<JsonNode> stage;
    // The handler's own log lines (on this thread) carry the function and invocation.
    MDC.put(MDC_FUNCTION, m.functionId());
    if (id != null) {
      MDC.put(MDC_INVOCATION, id);
    }
    try {
      stage = function.handler().handle(invocation);
    } catch (RuntimeException | Error e) {
      stage = CompletableFuture.failedFuture(e);
    } finally {
      MDC.remove(MDC_FUNCTION);
      MDC.remove(MDC_INVOCATION);
    }
    if (stage == null) {
      stage = CompletableFuture.completedFuture(null);
    }
    stage.whenComplete(
        (result, error) -> {
          if (id == null) {
            if (error != null) {
              LOG.warn("fire-and-forget invocation of {} failed", m.functionId(), error);
            }
            return;
          }
          if (error != null && !(unwrap(error) instanceof FunctionException)) {
            // A FunctionException is an answer the handler chose; anything else is a fault the
            // worker's own log must show too, not only the caller.
            LOG.warn("handler of {} failed on invocation {}", m.functionId(), id, unwrap(error));
          }
          Message.InvocationResult answer =
              error == null
                  ? Message.InvocationResult.success(id, m.functionId(), result)
                  : Message.InvocationResult.failure(id, m.functionId(), errorBody(error));
          reply(answer.withTrace(m.traceparent(), m.baggage()));
        });
  }

  private void deliverTrigger(Message.RegisterTrigger m) {
    LocalTriggerType type;
    synchronized (lock) {
      type = triggerTypes.get(m.triggerType());
    }
    if (type == null) {
      reply(
          new Message.TriggerRegistrationResult(
              m.id(),
              m.triggerType(),
              m.functionId(),
              new ErrorBody(ErrorCode.TRIGGER_TYPE_NOT_FOUND.wire(), "Trigger type not found")));
      return;
    }
    TriggerBinding binding =
        new TriggerBinding(m.id(), m.triggerType(), m.functionId(), m.config(), m.metadata());
    Delivered entry = new Delivered(type.provider(), binding);
    delivered.put(binding.id(), entry);
    CompletionStage<Void> stage;
    try {
      stage = type.provider().registerTrigger(binding);
    } catch (RuntimeException | Error e) {
      stage = CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      stage = CompletableFuture.completedFuture(null);
    }
    stage.whenComplete(
        (ok, error) -> {
          ErrorBody body = null;
          if (error != null) {
            delivered.remove(binding.id(), entry);
            Throwable cause = unwrap(error);
            LOG.warn(
                "provider of {} rejected trigger {}: {}",
                m.triggerType(),
                m.id(),
                messageOf(cause));
            body = new ErrorBody(ErrorCode.TRIGGER_REGISTRATION_FAILED.wire(), messageOf(cause));
          }
          reply(
              new Message.TriggerRegistrationResult(m.id(), m.triggerType(), m.functionId(), body));
        });
  }

  private void withdrawTrigger(Message.UnregisterTrigger m) {
    Delivered entry = delivered.remove(m.id());
    if (entry != null) {
      unregisterQuietly(entry.provider(), entry.binding());
      return;
    }
    if (m.triggerType() == null) {
      LOG.debug("ignoring unregistertrigger for unknown trigger {}", m.id());
      return;
    }
    LocalTriggerType type;
    synchronized (lock) {
      type = triggerTypes.get(m.triggerType());
    }
    if (type != null) {
      unregisterQuietly(
          type.provider(), new TriggerBinding(m.id(), m.triggerType(), "", null, null));
    }
  }

  private static void unregisterQuietly(TriggerTypeProvider provider, TriggerBinding binding) {
    try {
      provider.unregisterTrigger(binding);
    } catch (RuntimeException | Error e) {
      LOG.warn(
          "provider of {} failed to unregister trigger {}",
          binding.triggerType(),
          binding.id(),
          new WorkerException.HandlerFailed("unregisterTrigger failed", e));
    }
  }

  // ---------------------------------------------------------------- outbound

  /** Sends a reply frame; queued while disconnected, as the Node SDK does. */
  private void reply(Message message) {
    byte[] frame;
    try {
      frame = codec.encodeToBytes(message); // outside the lock: other threads send meanwhile
    } catch (ProtocolException e) {
      LOG.error("cannot encode {}; not sent", MessageCodec.typeOf(message), e);
      return;
    }
    long deadline = defaultDeadline();
    Connection target;
    synchronized (lock) {
      if (closed) {
        LOG.debug("worker closed; dropping {}", MessageCodec.typeOf(message));
        return;
      }
      target = route(frame, deadline, null);
    }
    offer(target, frame, deadline, null);
  }

  /** Encodes and sends, or queues while disconnected. Caller holds the lock. */
  private void send(Message message, long deadlineNanos, @Nullable PendingCall call) {
    byte[] frame;
    try {
      frame = codec.encodeToBytes(message);
    } catch (ProtocolException e) {
      LOG.error("cannot encode {}; not sent", MessageCodec.typeOf(message), e);
      return;
    }
    sendFrame(frame, deadlineNanos, call);
  }

  /**
   * The first half of a send that writes outside the lock: picks the connection to offer the frame
   * to, or queues the frame while disconnected (then null). Caller holds the lock.
   *
   * <p>The socket write happens in {@link #offer}, after the lock is released: a write can take a
   * while (the JDK's WebSocket writes on the calling thread when the socket is ready), and every
   * other sender waits on this lock. One thread's frames keep their order (it offers them one after
   * another); frames of different threads were never ordered. A connection becomes current only
   * after its replay was queued under this lock, so nothing overtakes the replay.
   */
  private @Nullable Connection route(byte[] frame, long deadlineNanos, @Nullable PendingCall call) {
    Connection c = current;
    if (c == null) {
      offline.add(new Queued(frame, deadlineNanos, call));
      return null;
    }
    if (call != null) {
      call.sentOn = c;
    }
    return c;
  }

  /**
   * The second half: offers the frame to the connection {@link #route} picked, without the lock;
   * when that connection went away meanwhile, sends it as {@link #sendFrame} does.
   */
  private void offer(
      @Nullable Connection target, byte[] frame, long deadlineNanos, @Nullable PendingCall call) {
    if (target == null || target.offer(frame)) {
      return;
    }
    synchronized (lock) {
      if (!closed) {
        sendFrame(frame, deadlineNanos, call);
      }
    }
  }

  /** Caller holds the lock. */
  private void sendFrame(byte[] frame, long deadlineNanos, @Nullable PendingCall call) {
    Connection c = current;
    if (c != null && c.offer(frame)) {
      if (call != null) {
        call.sentOn = c;
      }
      return;
    }
    offline.add(new Queued(frame, deadlineNanos, call));
  }

  /** Sends a registration frame if connected; registrations are replayed, never queued. */
  private void sendIfOpen(Message message) {
    Connection c = current;
    if (c != null) {
      c.offer(codec.encodeToBytes(message));
    }
  }

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

  // ---------------------------------------------------------------- helpers

  private long defaultDeadline() {
    return System.nanoTime() + options.invocationTimeout().toNanos();
  }

  private void requireNotClosed() {
    if (closed) {
      throw new IllegalStateException("worker is closed");
    }
  }

  /** Whether a frame holds only JSON whitespace (such frames are skipped, spec 1.3). */
  private static boolean blank(byte[] frame) {
    for (byte b : frame) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private static void requireId(String id, String what) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }

  /** Completes a caller's future off the listener and timer threads. */
  private <T> void completeLater(
      CompletableFuture<T> future, @Nullable T value, @Nullable Throwable error) {
    Runnable completion =
        () -> {
          if (error != null) {
            future.completeExceptionally(error);
          } else {
            future.complete(value);
          }
        };
    try {
      tasks.execute(completion);
    } catch (RejectedExecutionException e) {
      completion.run();
    }
  }

  private static void runOn(java.util.concurrent.Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.debug("worker closed; dropping an inbound task");
    }
  }

  static ErrorBody errorBody(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof FunctionException f) {
      return new ErrorBody(f.code(), messageOf(f));
    }
    StringWriter trace = new StringWriter();
    cause.printStackTrace(new PrintWriter(trace));
    return new ErrorBody(ErrorCode.INVOCATION_FAILED.wire(), messageOf(cause), trace.toString());
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String messageOf(Throwable t) {
    return t.getMessage() != null ? t.getMessage() : t.getClass().getName();
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.toString();
  }

  private static final class PendingCall {
    final String invocationId;
    final String functionId;
    final CallFuture<JsonNode> future;
    volatile @Nullable Connection sentOn;
    volatile @Nullable ScheduledFuture<?> timer;

    PendingCall(String invocationId, String functionId, Executor continuations) {
      this.invocationId = invocationId;
      this.functionId = functionId;
      this.future = new CallFuture<>(continuations);
    }
  }

  private record Queued(byte[] frame, long deadlineNanos, @Nullable PendingCall call) {}

  private record LocalFunction(FunctionDefinition definition, FunctionHandler handler) {
    Message.RegisterFunction message() {
      return new Message.RegisterFunction(
          definition.id(),
          definition.description(),
          definition.requestFormat(),
          definition.responseFormat(),
          definition.metadata(),
          null);
    }
  }

  private record LocalTriggerType(
      Message.RegisterTriggerType message, TriggerTypeProvider provider) {}

  private record LocalTrigger(Message.RegisterTrigger message) {}

  private record Delivered(TriggerTypeProvider provider, TriggerBinding binding) {}
}

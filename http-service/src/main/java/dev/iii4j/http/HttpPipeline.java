package dev.iii4j.http;

import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one HTTP request through the {@code http} trigger pipeline (spec section 4.3): route match,
 * global middleware, condition, per-route middleware, then the handler with a request-body channel
 * and a response channel, and finally a buffered or streamed response (section 4.4) or an error
 * (section 4.5).
 *
 * <p>Response mode: a handler that returns a value gets the buffered response; one that returns no
 * value is answered from its response channel, which is opened only then (the reference also
 * watches the channel while the handler runs, so binary data written before a returned value wins
 * there; here the value wins).
 *
 * <p>Threading: {@link #handle} never blocks; the steps continue on SDK, channel and timer threads,
 * and the handler's result is handled on the {@linkplain ResponseSink#executor() sink's thread}.
 * Each request's state is guarded by its own lock, so the first of result, channel data, channel
 * close and deadline decides the response.
 */
public final class HttpPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(HttpPipeline.class);

  private final EngineWorker worker;
  private final RouteTable routes;
  private final ChannelClient channels;
  private final ObjectMapper json;
  private final Responses responses;
  private final ScheduledExecutorService timer;
  private final Duration timeout;
  private final List<String> globalMiddleware;
  private final ConcurrencyLimiter limiter;

  /**
   * A pipeline.
   *
   * @param timeout the whole request's deadline (504 after it), also each middleware's
   * @param globalMiddleware functions run before the condition on every routed request, in order
   * @param timer runs the deadlines; owned by the caller
   * @param limiter bounds the requests in flight per route and method
   */
  public HttpPipeline(
      EngineWorker worker,
      RouteTable routes,
      ChannelClient channels,
      ObjectMapper json,
      Duration timeout,
      List<String> globalMiddleware,
      ScheduledExecutorService timer,
      ConcurrencyLimiter limiter) {
    this.worker = worker;
    this.routes = routes;
    this.channels = channels;
    this.json = json;
    this.responses = new Responses();
    this.timeout = timeout;
    this.globalMiddleware = List.copyOf(globalMiddleware);
    this.timer = timer;
    this.limiter = limiter;
  }

  /** The response builders this pipeline uses (for the adapter's own errors). */
  public Responses responses() {
    return responses;
  }

  /** Answers {@code request} through {@code sink}. */
  public void handle(IncomingRequest request, ResponseSink sink) {
    switch (routes.match(request.method(), request.rawPath(), worker.isConnected())) {
      case RouteMatch.NotFound n -> sink.send(responses.notFound());
      case RouteMatch.MethodNotAllowed na ->
          sink.send(
              request.method().equals("HEAD")
                  ? Reply.empty(404)
                  : new Reply(
                      405,
                      List.of(new Header("allow", String.join(",", na.allowed()))),
                      new byte[0]));
      case RouteMatch.Found found -> {
        sink.routed(found.route().method(), found.route().path());
        limiter.enter(
            found.route().method() + " " + stripSlash(found.route().path()),
            slot -> new Exchange(request, found, sink, slot).start());
      }
    }
  }

  /** One request in flight. */
  private final class Exchange implements ChannelClient.ReadListener {
    private final IncomingRequest request;
    private final Route route;
    private final Map<String, String> pathParams;
    private final ResponseSink sink;
    private final ConcurrencyLimiter.Slot slot;
    private final List<String> channelIds = new ArrayList<>();
    private final Map<String, Header> controlHeaders = new LinkedHashMap<>();
    private int controlStatus = 200;
    private boolean finished;
    private boolean streaming;
    private boolean over;
    private ChannelClient.@Nullable Ref responseReader;
    private ChannelClient.@Nullable Reading reading;
    private @Nullable ScheduledFuture<?> deadline;
    private long startedNanos;

    Exchange(
        IncomingRequest request,
        RouteMatch.Found found,
        ResponseSink sink,
        ConcurrencyLimiter.Slot slot) {
      this.request = request;
      this.route = found.route();
      this.pathParams = found.pathParams();
      this.sink = sink;
      this.slot = slot;
    }

    void start() {
      if (!worker.isConnected()) {
        finish(responses.gatewayUnavailable());
        return;
      }
      Map<String, String> query;
      try {
        query = ApiRequests.query(request.rawQuery());
      } catch (IllegalArgumentException e) {
        finish(responses.badQuery(String.valueOf(e.getMessage())));
        return;
      }
      Map<String, String> headers = ApiRequests.headers(request.headers());
      JsonNode body = ApiRequests.isJson(headers) ? parse(request.body()) : null;
      String method = request.method();
      startedNanos = System.nanoTime();
      if (globalMiddleware.isEmpty()
          && route.conditionFunctionId() == null
          && route.middlewareFunctionIds().isEmpty()) {
        // Most routes: straight to the handler, on this thread (the call follows the channel
        // announcement on the connection). No deadline of its own yet: the handler's call has the
        // request's timeout, and a timed-out call is the same 504; a deadline is set only if the
        // handler answers with no value and the response channel is awaited (one timer less per
        // request).
        invoke(query, headers, body);
        return;
      }
      synchronized (this) {
        deadline = timer.schedule(this::onDeadline, timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      // The texts are written only for the steps the route has.
      String middlewareInput =
          globalMiddleware.isEmpty() && route.middlewareFunctionIds().isEmpty()
              ? ""
              : ApiRequests.middlewareInput(method, query, pathParams, headers);
      middleware(globalMiddleware, 0, middlewareInput)
          .thenCompose(
              go ->
                  go
                      ? condition(
                          () ->
                              ApiRequests.payload(
                                  route, method, query, pathParams, headers, body, null))
                      : done(false))
          .thenCompose(
              go ->
                  go ? middleware(route.middlewareFunctionIds(), 0, middlewareInput) : done(false))
          .whenComplete(
              (go, error) -> {
                if (error != null) {
                  LOG.warn("http pipeline of {} failed", route.functionId(), error);
                  finish(responses.internalError());
                } else if (go) {
                  invoke(query, headers, body);
                }
              });
    }

    private CompletableFuture<Boolean> middleware(List<String> ids, int index, String input) {
      if (index >= ids.size() || isFinished()) {
        return done(!isFinished());
      }
      String id = ids.get(index);
      return worker
          .call(id, SerdeTrees.rawText(input), callOptions())
          .thenApply(SerdeTrees::serde)
          .handle(
              (result, error) -> {
                if (error != null) {
                  Throwable e = unwrap(error);
                  finish(
                      e instanceof WorkerException.Timeout
                          ? responses.middlewareTimeout()
                          : failure(e));
                  return false;
                }
                if (result != null
                    && result.isObject()
                    && result.get("action") != null
                    && result.get("action").isString()
                    && result.get("action").getStringValue().equals("respond")) {
                  finish(responses.middlewareResponse(result.get("response")));
                  return false;
                }
                return true;
              })
          .thenCompose(go -> go ? middleware(ids, index + 1, input) : done(false));
    }

    private CompletableFuture<Boolean> condition(Supplier<String> payload) {
      String id = route.conditionFunctionId();
      if (id == null || isFinished()) {
        return done(!isFinished());
      }
      return worker
          .call(id, SerdeTrees.rawText(payload.get()), callOptions())
          .thenApply(SerdeTrees::serde)
          .handle(
              (result, error) -> {
                if (error != null) {
                  finish(failure(unwrap(error)));
                  return false;
                }
                if (result != null && result.isBoolean() && !result.getBooleanValue()) {
                  finish(responses.conditionNotMet());
                  return false;
                }
                return true;
              });
    }

    private void invoke(
        Map<String, String> query, Map<String, String> headers, @Nullable JsonNode body) {
      if (isFinished()) {
        return;
      }
      // The body goes in a channel created with its content (no socket to write it); the response
      // channel is read only if the handler returns no value. Without a body both are minted: the
      // gateway creates them when a side first connects and sweeps them after their expiry. With
      // one they are announced without waiting (the gateway creates them before it routes the call
      // sent next on this connection) and released when the request is over, so the gateway does
      // not keep unread channels until its unclaimed sweep.
      ChannelClient.Opened opened;
      try {
        opened = channels.open(request.body(), timeout);
      } catch (IllegalStateException closed) {
        finish(responses.gatewayUnavailable());
        return;
      }
      if (opened.release()) {
        track(opened.body().channelId());
        track(opened.response().reader().channelId());
      }
      synchronized (this) {
        if (finished) {
          return;
        }
        responseReader = opened.response().reader();
      }
      String payload =
          ApiRequests.payload(route, request.method(), query, pathParams, headers, body, opened);
      worker
          .call(
              route.functionId(),
              SerdeTrees.rawText(payload),
              callOptions().withMetadata(SerdeTrees.sdk(route.metadata())))
          // One hand-off, from the SDK's listener to the connection's I/O thread, which converts
          // the result and writes the response itself (the SDK's own continuations would add two
          // more: one to convert, one to finish).
          .whenCompleteAsync(
              (result, error) -> onResult(SerdeTrees.serde(result), error), sink.executor());
    }

    /**
     * The options of every call this request makes: the timeout, and the caller's W3C {@code
     * traceparent} and {@code baggage} headers, so that the request's trace continues through the
     * gateway (which starts one when there is none).
     */
    private CallOptions callOptions() {
      return CallOptions.defaults()
          .withTimeout(timeout)
          .withTraceparent(header("traceparent"))
          .withBaggage(header("baggage"));
    }

    private @Nullable String header(String name) {
      for (Header h : request.headers()) {
        if (h.name().equalsIgnoreCase(name)) {
          return h.value().trim();
        }
      }
      return null;
    }

    /** Remembers a channel to release when the request is over (at once if it already is). */
    private void track(String channelId) {
      boolean late;
      synchronized (this) {
        late = over;
        if (!late) {
          channelIds.add(channelId);
        }
      }
      if (late) {
        channels.release(List.of(channelId));
      }
    }

    /** The request is over: frees its slot and its channels. Idempotent. */
    private void over() {
      List<String> ids;
      synchronized (this) {
        if (over) {
          return;
        }
        over = true;
        ids = List.copyOf(channelIds);
      }
      slot.release();
      channels.release(ids);
    }

    private synchronized void onResult(@Nullable JsonNode result, @Nullable Throwable error) {
      if (finished) {
        return;
      }
      if (error != null) {
        finish(failure(unwrap(error)));
      } else if (result != null && !result.isNull()) {
        finish(responses.handlerResult(result));
      } else {
        // No value: the response comes from the channel (streamed, or closed without data). The
        // channel is read only now: most handlers return a value, and a socket per request that
        // is never used costs more than the whole call.
        if (deadline == null) {
          long left = timeout.toNanos() - (System.nanoTime() - startedNanos);
          if (left <= 0) {
            finish(responses.timeout());
            return;
          }
          deadline = timer.schedule(this::onDeadline, left, TimeUnit.NANOSECONDS);
        }
        if (responseReader != null && reading == null) {
          reading = channels.read(responseReader, this);
        }
      }
    }

    @Override
    public synchronized void onText(String text) {
      if (finished) {
        return;
      }
      JsonNode control;
      try {
        control = json.readValue(text.getBytes(StandardCharsets.UTF_8), JsonNode.class);
      } catch (IOException | RuntimeException e) {
        LOG.debug("ignoring a text frame on the response channel of {}", route.functionId());
        return;
      }
      if (control == null || !control.isObject() || control.get("type") == null) {
        return;
      }
      switch (String.valueOf(control.get("type").coerceStringValue())) {
        case "set_status" -> {
          int s = Responses.controlStatus(control.get("status_code"));
          if (s > 0) {
            controlStatus = s;
          }
        }
        case "set_headers" -> Responses.controlHeaders(control.get("headers"), controlHeaders);
        default -> {}
      }
    }

    @Override
    public void onBinary(byte[] chunk, Runnable next) {
      synchronized (this) {
        if (finished && !streaming) {
          closeReader();
          return;
        }
        if (!streaming) {
          streaming = true;
          finished = true;
          cancelDeadline();
          sink.startStream(controlStatus, List.copyOf(controlHeaders.values()));
        }
      }
      sink.chunk(
          chunk,
          written -> {
            if (written) {
              next.run();
            } else {
              closeReader();
              over();
            }
          });
    }

    @Override
    public synchronized void onClosed(boolean normally) {
      if (streaming) {
        if (normally) {
          sink.endStream();
        } else {
          sink.abort();
        }
        over();
        return;
      }
      if (finished) {
        return;
      }
      // Closed before any body chunk (or lost): send what the control frames set.
      if (!normally) {
        LOG.debug("the response channel of {} ended abnormally", route.functionId());
      }
      finish(controlReply());
    }

    private synchronized void onDeadline() {
      if (!finished) {
        finish(responses.timeout());
      }
    }

    private Reply controlReply() {
      return new Reply(controlStatus, List.copyOf(controlHeaders.values()), new byte[0]);
    }

    private Reply failure(Throwable e) {
      return switch (e) {
        case WorkerException.Remote r -> responses.functionError(r.code(), r.getMessage());
        case WorkerException.Timeout t -> responses.timeout();
        case WorkerException.NotConnected n -> responses.gatewayUnavailable();
        default -> {
          LOG.warn("http request to {} failed", route.functionId(), e);
          yield responses.internalError();
        }
      };
    }

    private synchronized boolean isFinished() {
      return finished;
    }

    private synchronized void finish(Reply reply) {
      if (finished) {
        return;
      }
      finished = true;
      cancelDeadline();
      closeReader();
      sink.send(reply);
      over();
    }

    private synchronized void closeReader() {
      if (reading != null) {
        reading.close();
      }
    }

    private void cancelDeadline() {
      if (deadline != null) {
        deadline.cancel(false);
      }
    }
  }

  private @Nullable JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      return json.readValue(body, JsonNode.class);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String stripSlash(String path) {
    return path.startsWith("/") ? path.substring(1) : path;
  }

  private static CompletableFuture<Boolean> done(boolean value) {
    return CompletableFuture.completedFuture(value);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return Objects.requireNonNull(e);
  }
}

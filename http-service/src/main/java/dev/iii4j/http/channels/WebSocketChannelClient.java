package dev.iii4j.http.channels;

import dev.iii4j.http.ChannelClient;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channels over the gateway's {@code /ws/channels/{id}?key=&dir=} sockets. One shared {@link
 * HttpClient}; one WebSocket per channel end. Thread-safe.
 */
public final class WebSocketChannelClient implements ChannelClient, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketChannelClient.class);
  private static final String CHANNELS_RELEASE = "engine::channels::release";
  private static final String CHANNELS_OPEN = "engine::channels::open";
  private static final int TOKEN_BYTES = 24;
  private static final Base64.Encoder TOKEN = Base64.getUrlEncoder().withoutPadding();

  /** Channel ids and keys: unguessable, so nobody else can read a body or claim an id first. */
  private static final SecureRandom RANDOM = newRandom();

  /** How long released channel ids wait to share one release frame. */
  static final long RELEASE_BATCH_MS = 20;

  /** Requests without a body whose channels one announcement creates ahead of use. */
  static final int KIT_BATCH = 32;

  /** How long announced channels wait for their request before they are released unused. */
  static final long KIT_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(10);

  /**
   * The channels of one future request without a body, announced on connection {@code connection}
   * at {@code announcedNanos}.
   */
  private record Kit(Opened opened, long connection, long announcedNanos) {}

  private final EngineWorker worker;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final Queue<String> toRelease = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean releaseScheduled = new AtomicBoolean();
  private final ArrayDeque<Kit> kits = new ArrayDeque<>();
  private final long kitMaxAgeNanos;

  /**
   * A client of the gateway {@code worker} is connected to.
   *
   * @param executor runs the WebSocket listeners
   * @param timer sends the batched releases; owned by the caller
   */
  public WebSocketChannelClient(
      EngineWorker worker, Executor executor, ScheduledExecutorService timer) {
    this(worker, executor, timer, KIT_MAX_AGE_NANOS);
  }

  /** A client whose announced channels wait at most {@code kitMaxAgeNanos} (tests). */
  WebSocketChannelClient(
      EngineWorker worker, Executor executor, ScheduledExecutorService timer, long kitMaxAgeNanos) {
    this.kitMaxAgeNanos = kitMaxAgeNanos;
    this.worker = worker;
    this.timer = timer;
    this.http =
        HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(10)).build();
  }

  URI uri(Ref ref, String dir) {
    URI base = worker.options().engineUrl();
    String scheme = "wss".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
    return URI.create(
        scheme
            + "://"
            + base.getRawAuthority()
            + "/ws/channels/"
            + URLEncoder.encode(ref.channelId(), StandardCharsets.UTF_8)
            + "?key="
            + URLEncoder.encode(ref.accessKey(), StandardCharsets.UTF_8)
            + "&dir="
            + dir);
  }

  @Override
  public Opened open(byte[] body) {
    if (body.length > 0) {
      // One draw for the four: UUID.randomUUID() would take the JDK's shared NativePRNG four times
      // (a global lock and a read of the OS source each), on the path of every request.
      byte[] random = new byte[4 * TOKEN_BYTES];
      RANDOM.nextBytes(random);
      List<JsonNode> announced = new ArrayList<>(2);
      Opened opened = opened(random, 0, Base64.getEncoder().encodeToString(body), announced);
      announce(announced);
      return opened;
    }
    return emptyBodyKit();
  }

  /**
   * The channels of a request without a body, from the kits announced ahead (most requests have no
   * body, and one announcement for {@link #KIT_BATCH} requests saves a frame per request on both
   * sides). A kit is used only on the connection that announced it (the gateway drops a
   * connection's channels with it) and while it is younger than {@link #KIT_MAX_AGE_NANOS} (far
   * below the gateway's unclaimed sweep); other kits are released. When none is left, this thread
   * announces a new batch before it returns, so the call it sends next still follows the
   * announcement on the connection.
   */
  private Opened emptyBodyKit() {
    long connection = worker.connectionNumber();
    long now = System.nanoTime();
    List<String> stale = null;
    Opened found = null;
    synchronized (kits) {
      for (Kit kit = kits.poll(); kit != null; kit = kits.poll()) {
        if (connection >= 0
            && kit.connection() == connection
            && now - kit.announcedNanos() < kitMaxAgeNanos) {
          found = kit.opened();
          break;
        }
        if (stale == null) {
          stale = new ArrayList<>();
        }
        stale.add(kit.opened().body().channelId());
        stale.add(kit.opened().response().reader().channelId());
      }
    }
    if (stale != null) {
      release(stale);
    }
    if (found != null) {
      return found;
    }
    byte[] random = new byte[4 * TOKEN_BYTES * KIT_BATCH];
    RANDOM.nextBytes(random);
    List<JsonNode> announced = new ArrayList<>(2 * KIT_BATCH);
    List<Kit> batch = new ArrayList<>(KIT_BATCH - 1);
    Opened mine = opened(random, 0, "", announced);
    for (int i = 1; i < KIT_BATCH; i++) {
      batch.add(new Kit(opened(random, i, "", announced), connection, now));
    }
    // The connection's number is read before the announcement goes out: a kit announced while the
    // connection changed is thrown away, never used on a connection that does not have it.
    announce(announced);
    if (connection >= 0) {
      synchronized (kits) {
        kits.addAll(batch);
      }
    } else {
      List<String> unused = new ArrayList<>();
      for (Kit kit : batch) {
        unused.add(kit.opened().body().channelId());
        unused.add(kit.opened().response().reader().channelId());
      }
      release(unused);
    }
    return mine;
  }

  /**
   * The {@code index}-th request's channels from {@code random} (four tokens each), with their
   * entries of {@code engine::channels::open} added to {@code announced}.
   */
  private static Opened opened(
      byte[] random, int index, String bodyBase64, List<JsonNode> announced) {
    int first = 4 * index;
    String bodyId = token(random, first);
    String bodyKey = token(random, first + 1);
    String responseId = token(random, first + 2);
    String responseKey = token(random, first + 3);
    announced.add(channel(bodyId, bodyKey, bodyBase64));
    announced.add(channel(responseId, responseKey, null));
    return new Opened(
        new Ref(bodyId, bodyKey, "read"),
        new Pair(
            new Ref(responseId, responseKey, "write"), new Ref(responseId, responseKey, "read")));
  }

  /**
   * Sends one {@code engine::channels::open}, fire and forget, in this connection's frame order.
   */
  private void announce(List<JsonNode> channels) {
    worker.callVoid(
        CHANNELS_OPEN,
        SerdeTrees.sdk(
            JsonNode.createObjectNode(Map.of("channels", JsonNode.createArrayNode(channels)))));
  }

  /** The {@code index}-th token of {@code random}: 24 bytes, 32 URL-safe characters. */
  private static String token(byte[] random, int index) {
    return TOKEN.encodeToString(
        Arrays.copyOfRange(random, index * TOKEN_BYTES, (index + 1) * TOKEN_BYTES));
  }

  private static SecureRandom newRandom() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  /** One entry of {@code engine::channels::open}: filled and ended when content is given. */
  private static JsonNode channel(String id, String key, @Nullable String contentBase64) {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    fields.put("channel_id", JsonNode.createStringNode(id));
    fields.put("access_key", JsonNode.createStringNode(key));
    if (contentBase64 != null) {
      fields.put("content_base64", JsonNode.createStringNode(contentBase64));
    }
    return JsonNode.createObjectNode(fields);
  }

  @Override
  public void release(List<String> channelIds) {
    if (channelIds.isEmpty()) {
      return;
    }
    // Batched: one release frame for the channels of every request that ended within the window,
    // instead of one per request (the gateway decodes and routes each frame).
    toRelease.addAll(channelIds);
    if (releaseScheduled.compareAndSet(false, true)) {
      try {
        timer.schedule(this::flushReleases, RELEASE_BATCH_MS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException shuttingDown) {
        releaseScheduled.set(false);
      }
    }
  }

  /** Sends the waiting releases in one fire-and-forget call. */
  void flushReleases() {
    releaseScheduled.set(false);
    List<JsonNode> ids = new ArrayList<>();
    for (String id = toRelease.poll(); id != null; id = toRelease.poll()) {
      ids.add(JsonNode.createStringNode(id));
    }
    if (ids.isEmpty() || !worker.isConnected()) {
      // Not connected: the gateway dropped this connection's channels when it went.
      return;
    }
    try {
      worker.callVoid(
          CHANNELS_RELEASE,
          SerdeTrees.sdk(
              JsonNode.createObjectNode(Map.of("channel_ids", JsonNode.createArrayNode(ids)))));
    } catch (IllegalStateException closed) {
      // Shutting down: the gateway drops this connection's channels when it goes.
      LOG.debug("not releasing {} channels: {}", ids.size(), closed.getMessage());
    }
  }

  @Override
  public Reading read(Ref reader, ReadListener listener) {
    ReaderSocket socket = new ReaderSocket(listener);
    http.newWebSocketBuilder()
        .buildAsync(uri(reader, "read"), socket)
        .whenComplete(
            (ws, error) -> {
              if (error != null) {
                LOG.debug("reading channel {} failed: {}", reader.channelId(), error.toString());
                socket.end(false);
              }
            });
    return socket;
  }

  @Override
  public void close() {
    // Not close(): it waits for every open socket, and a response channel whose handler never
    // ends it would hold the service's shutdown forever.
    http.shutdownNow();
  }

  /** The reading end: whole text messages, binary parts one at a time, one end notice. */
  private static final class ReaderSocket implements WebSocket.Listener, Reading {
    private final ReadListener listener;
    private final StringBuilder text = new StringBuilder();
    private WebSocket socket;
    private boolean closing;
    private boolean ended;

    ReaderSocket(ReadListener listener) {
      this.listener = listener;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      synchronized (this) {
        socket = webSocket;
        if (closing) {
          webSocket.abort();
          return;
        }
      }
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        listener.onText(message);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      if (chunk.length == 0) {
        webSocket.request(1);
      } else {
        listener.onBinary(chunk, () -> webSocket.request(1));
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      // The gateway closes a finished channel without a status code (1005).
      end(statusCode == WebSocket.NORMAL_CLOSURE || statusCode == 1005);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      end(false);
    }

    void end(boolean normally) {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
      }
      listener.onClosed(normally);
    }

    @Override
    public void close() {
      WebSocket ws;
      synchronized (this) {
        if (closing) {
          return;
        }
        closing = true;
        ws = socket;
      }
      if (ws != null) {
        ws.abort();
      }
    }
  }
}

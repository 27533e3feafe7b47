package dev.iii4j.http.channels;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.iii4j.http.ChannelClient;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
import java.util.List;
import java.util.Objects;
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

  /** Kits left when the next batch is announced ahead, off the request's path. */
  static final int KIT_LOW_WATER = KIT_BATCH / 2;

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

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
  private final Executor executor;
  private final AtomicBoolean announcingAhead = new AtomicBoolean();

  /**
   * A client of the gateway {@code worker} is connected to.
   *
   * @param executor runs the WebSocket listeners and the announcements made ahead
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
    this.executor = executor;
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
      Opened opened = opened(random, 0);
      announce(List.of(opened), Base64.getEncoder().encodeToString(body));
      return opened;
    }
    return emptyBodyKit();
  }

  /**
   * The channels of a request without a body, from the kits announced ahead (most requests have no
   * body, and one announcement for {@link #KIT_BATCH} requests saves a frame per request on both
   * sides). A kit is used only on the connection that announced it (the gateway drops a
   * connection's channels with it) and while it is younger than {@link #KIT_MAX_AGE_NANOS} (far
   * below the gateway's unclaimed sweep); other kits are released. When fewer than {@link
   * #KIT_LOW_WATER} are left, the next batch is announced on another thread, off the request's
   * path; only when none is left does this thread announce a batch before it returns, so the call
   * it sends next still follows the announcement on the connection.
   */
  private Opened emptyBodyKit() {
    long connection = worker.connectionNumber();
    long now = System.nanoTime();
    List<String> stale = null;
    Opened found = null;
    int left;
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
      left = kits.size();
    }
    if (stale != null) {
      release(stale);
    }
    if (found == null) {
      return Objects.requireNonNull(announceBatch(connection, true));
    }
    if (left < KIT_LOW_WATER) {
      announceAhead();
    }
    return found;
  }

  /** Announces the next batch of kits on the executor, unless one is under way already. */
  private void announceAhead() {
    if (!announcingAhead.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            try {
              long connection = worker.connectionNumber();
              if (connection >= 0) {
                announceBatch(connection, false);
              }
            } catch (RuntimeException e) {
              LOG.debug("announcing channels ahead failed: {}", e.toString());
            } finally {
              announcingAhead.set(false);
            }
          });
    } catch (RejectedExecutionException shuttingDown) {
      announcingAhead.set(false);
    }
  }

  /**
   * Announces {@link #KIT_BATCH} requests' channels in one frame and keeps them as kits of {@code
   * connection} (read by the caller before the announcement goes out: a kit announced while the
   * connection changed is thrown away, never used on a connection that does not have it).
   *
   * @param takeOne whether the first kit is returned to the caller instead of kept
   * @return the kit taken, or null
   */
  private @Nullable Opened announceBatch(long connection, boolean takeOne) {
    long now = System.nanoTime();
    byte[] random = new byte[4 * TOKEN_BYTES * KIT_BATCH];
    RANDOM.nextBytes(random);
    List<Opened> batch = new ArrayList<>(KIT_BATCH);
    for (int i = 0; i < KIT_BATCH; i++) {
      batch.add(opened(random, i));
    }
    announce(batch, "");
    Opened mine = takeOne ? batch.get(0) : null;
    List<Opened> kept = takeOne ? batch.subList(1, batch.size()) : batch;
    if (connection >= 0) {
      synchronized (kits) {
        for (Opened o : kept) {
          kits.add(new Kit(o, connection, now));
        }
      }
    } else {
      List<String> unused = new ArrayList<>(2 * kept.size());
      for (Opened o : kept) {
        unused.add(o.body().channelId());
        unused.add(o.response().reader().channelId());
      }
      release(unused);
    }
    return mine;
  }

  /** The {@code index}-th request's channels from {@code random} (four tokens each). */
  private static Opened opened(byte[] random, int index) {
    int first = 4 * index;
    String bodyId = token(random, first);
    String bodyKey = token(random, first + 1);
    String responseId = token(random, first + 2);
    String responseKey = token(random, first + 3);
    return new Opened(
        new Ref(bodyId, bodyKey, "read"),
        new Pair(
            new Ref(responseId, responseKey, "write"), new Ref(responseId, responseKey, "read")));
  }

  /**
   * Sends one {@code engine::channels::open}, fire and forget, in this connection's frame order,
   * written straight as JSON text: per request, its body channel filled with {@code bodyBase64} and
   * ended, and its response channel.
   */
  private void announce(List<Opened> requests, String bodyBase64) {
    StringWriter out = new StringWriter(64 + requests.size() * 180);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("channels");
      for (Opened o : requests) {
        g.writeStartObject();
        g.writeStringField("channel_id", o.body().channelId());
        g.writeStringField("access_key", o.body().accessKey());
        g.writeStringField("content_base64", bodyBase64);
        g.writeEndObject();
        g.writeStartObject();
        g.writeStringField("channel_id", o.response().reader().channelId());
        g.writeStringField("access_key", o.response().reader().accessKey());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    worker.callVoid(CHANNELS_OPEN, SerdeTrees.rawText(out.toString()));
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
    List<String> ids = new ArrayList<>();
    for (String id = toRelease.poll(); id != null; id = toRelease.poll()) {
      ids.add(id);
    }
    if (ids.isEmpty() || !worker.isConnected()) {
      // Not connected: the gateway dropped this connection's channels when it went.
      return;
    }
    StringWriter out = new StringWriter(32 + ids.size() * 36);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("channel_ids");
      for (String id : ids) {
        g.writeString(id);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      worker.callVoid(CHANNELS_RELEASE, SerdeTrees.rawText(out.toString()));
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

package dev.iii4j.http.channels;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.iii4j.http.ChannelClient;
import dev.iii4j.protocol.MintedChannels;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channels over the gateway's {@code /ws/channels/{id}?key=&dir=} sockets. One shared {@link
 * HttpClient}; one WebSocket per channel end. Thread-safe.
 *
 * <p>Requests without a body (most) get minted channels: per gateway connection one random prefix
 * and secret, registered with {@code engine::channels::mint} before the first call that uses them;
 * then ids {@code prefix.b|r.N.E} and their keys (base64url of HMAC-SHA256 of the id) are computed
 * here, and nothing is sent per request. Requests with a body announce their two channels with
 * {@code engine::channels::open} and release them when over.
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

  /** How long minted channels outlive their request's timeout (the gateway sweeps them then). */
  static final long MINT_GRACE_MS = 60_000;

  private static final int SECRET_BYTES = 32;

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  /**
   * The mint registered on connection {@code connection}: channel ids {@code prefix.K.N.E} whose
   * keys are keyed with {@code secret}.
   */
  private record Mint(long connection, String prefix, byte[] secret) {}

  /** A thread's Mac, keyed for the mint it last served (a new one only when the mint changes). */
  private static final class Keyer {
    private @Nullable Mac mac;
    private @Nullable Mint mint;

    /** base64url (no padding) of the HMAC of {@code id} under {@code current}'s secret. */
    String key(Mint current, String id) {
      Mac m = mac;
      if (m == null || mint != current) {
        m = MintedChannels.mac(current.secret());
        mac = m;
        mint = current;
      }
      return MintedChannels.key(m, id);
    }
  }

  private static final ThreadLocal<Keyer> KEYERS = ThreadLocal.withInitial(Keyer::new);

  private final EngineWorker worker;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final Queue<String> toRelease = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean releaseScheduled = new AtomicBoolean();
  private final AtomicLong minted = new AtomicLong();
  private volatile @Nullable Mint mint;

  /**
   * A client of the gateway {@code worker} is connected to.
   *
   * @param executor runs the WebSocket listeners
   * @param timer sends the batched releases; owned by the caller
   */
  public WebSocketChannelClient(
      EngineWorker worker, Executor executor, ScheduledExecutorService timer) {
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
  public Opened open(byte[] body, Duration timeout) {
    if (body.length > 0) {
      // One draw for the four: UUID.randomUUID() would take the JDK's shared NativePRNG four times
      // (a global lock and a read of the OS source each), on the path of every request.
      byte[] random = new byte[4 * TOKEN_BYTES];
      RANDOM.nextBytes(random);
      String bodyId = token(random, 0);
      String bodyKey = token(random, 1);
      String responseId = token(random, 2);
      String responseKey = token(random, 3);
      Opened opened =
          new Opened(
              new Ref(bodyId, bodyKey, "read"),
              new Pair(
                  new Ref(responseId, responseKey, "write"),
                  new Ref(responseId, responseKey, "read")),
              true);
      announce(opened, Base64.getEncoder().encodeToString(body));
      return opened;
    }
    return minted(timeout);
  }

  /**
   * The channels of a request without a body, minted: named and keyed here under the mint of the
   * current connection, announced to nobody (the gateway creates a minted channel when a side first
   * connects with its key), never released (the gateway sweeps a half-attached one after its
   * expiry: the request's timeout plus {@link #MINT_GRACE_MS}).
   */
  private Opened minted(Duration timeout) {
    Mint current = currentMint();
    long n = minted.incrementAndGet();
    long expiry = (System.currentTimeMillis() + timeout.toMillis() + MINT_GRACE_MS + 999) / 1000;
    String bodyId = MintedChannels.id(current.prefix(), MintedChannels.BODY, n, expiry);
    String responseId = MintedChannels.id(current.prefix(), MintedChannels.RESPONSE, n, expiry);
    Keyer keyer = KEYERS.get();
    String bodyKey = keyer.key(current, bodyId);
    String responseKey = keyer.key(current, responseId);
    return new Opened(
        new Ref(bodyId, bodyKey, "read"),
        new Pair(
            new Ref(responseId, responseKey, "write"), new Ref(responseId, responseKey, "read")),
        false);
  }

  /**
   * The mint of the current connection, registered first if it has none yet: the mint call goes out
   * (fire and forget) before this returns, so the call the caller sends next on the connection
   * reaches the gateway after it. A mint made while disconnected is queued with the calls and goes
   * to the next connection.
   */
  private Mint currentMint() {
    long connection = worker.connectionNumber();
    Mint current = mint;
    if (current != null && current.connection() == connection) {
      return current;
    }
    synchronized (this) {
      current = mint;
      if (current != null && current.connection() == connection) {
        return current;
      }
      byte[] random = new byte[TOKEN_BYTES + SECRET_BYTES];
      RANDOM.nextBytes(random);
      String prefix = TOKEN.encodeToString(Arrays.copyOf(random, TOKEN_BYTES));
      byte[] secret = Arrays.copyOfRange(random, TOKEN_BYTES, random.length);
      StringWriter out = new StringWriter(128);
      try (JsonGenerator g = FACTORY.createGenerator(out)) {
        g.writeStartObject();
        g.writeStringField("prefix", prefix);
        g.writeStringField("secret", TOKEN.encodeToString(secret));
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      worker.callVoid(MintedChannels.FUNCTION, SerdeTrees.rawText(out.toString()));
      current = new Mint(connection, prefix, secret);
      mint = current;
      return current;
    }
  }

  /**
   * Sends one {@code engine::channels::open}, fire and forget, in this connection's frame order,
   * written straight as JSON text: the request's body channel filled with {@code bodyBase64} and
   * ended, and its response channel.
   */
  private void announce(Opened o, String bodyBase64) {
    StringWriter out = new StringWriter(180 + bodyBase64.length());
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("channels");
      g.writeStartObject();
      g.writeStringField("channel_id", o.body().channelId());
      g.writeStringField("access_key", o.body().accessKey());
      g.writeStringField("content_base64", bodyBase64);
      g.writeEndObject();
      g.writeStartObject();
      g.writeStringField("channel_id", o.response().reader().channelId());
      g.writeStringField("access_key", o.response().reader().accessKey());
      g.writeEndObject();
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

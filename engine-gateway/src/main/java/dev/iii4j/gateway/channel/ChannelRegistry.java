package dev.iii4j.gateway.channel;

import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.protocol.MintedChannels;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live streaming channels. A channel is removed when its stream ends, when the connection that
 * created it disconnects, or by the sweep when one side never attached within the unclaimed TTL.
 *
 * <p>Minted channels (our extension, see {@link #mint}) are not stored until a side connects: their
 * id {@code P.K.N.E} names a mint by its prefix {@code P}, and their key is the HMAC of the id
 * under the mint's secret, so {@link #find} creates such a channel the first time a side presents a
 * valid id and key before {@code E} (epoch seconds). The sweep drops a minted channel once {@code
 * E} has passed while a side is missing.
 */
@Singleton
public final class ChannelRegistry {
  /** Default buffer size in items. */
  public static final int DEFAULT_BUFFER = 64;

  /** Largest binary frame the engine writes into a channel (the Node SDK's frame size). */
  public static final int FRAME_BYTES = 64 * 1024;

  /** Largest buffer size in items. */
  public static final int MAX_BUFFER = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ChannelRegistry.class);

  /** Most mints one connection may hold. */
  public static final int MAX_MINTS_PER_CONNECTION = 16;

  /** What a minted channel's prefix may be made of, and its length. */
  public static final Pattern MINT_PREFIX = Pattern.compile("[A-Za-z0-9_-]{16,64}");

  /** Fewest and most bytes in a mint's secret. */
  public static final int MIN_SECRET_BYTES = 32;

  public static final int MAX_SECRET_BYTES = 128;

  /** Why {@link #mint} refused. */
  public enum MintRefusal {
    /** The prefix is registered already (by any connection). */
    PREFIX_TAKEN,
    /** The connection holds {@link #MAX_MINTS_PER_CONNECTION} mints. */
    TOO_MANY
  }

  /** A registered mint: channels {@code prefix.*} are keyed with {@code mac}, owned by owner. */
  private record Mint(String prefix, Mac mac, WorkerSession owner) {
    /** The key of a minted channel id: base64url of its HMAC. */
    String key(String id) {
      synchronized (mac) {
        return MintedChannels.key(mac, id);
      }
    }
  }

  private final Map<String, StreamChannel> channels = new ConcurrentHashMap<>();
  private final Map<String, Mint> mints = new ConcurrentHashMap<>();
  private final long unclaimedTtlMs;
  private final ScheduledExecutorService sweeper =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("channel-sweep").daemon().factory());

  ChannelRegistry(GatewayProperties properties) {
    this.unclaimedTtlMs = properties.channelUnclaimedTtl().toMillis();
    long every = Math.max(50, properties.channelSweepInterval().toMillis());
    sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Creates a channel.
   *
   * @param owner the creating connection (its disconnect drops the channel), or null
   * @param bufferSize requested buffer in items; null gives 64, capped to 1..1024
   */
  public StreamChannel create(@Nullable WorkerSession owner, @Nullable Integer bufferSize) {
    StreamChannel channel =
        new StreamChannel(
            UUID.randomUUID().toString(),
            UUID.randomUUID().toString(),
            capacity(bufferSize),
            owner);
    channels.put(channel.id(), channel);
    return channel;
  }

  /**
   * Creates a channel whose stream is already written and ended: {@code content} in frames of at
   * most {@link #FRAME_BYTES} bytes. The write side is taken by the engine, so a reader that
   * connects gets the content and then the end of the stream.
   *
   * @param owner the creating connection (its disconnect drops the channel), or null
   */
  public StreamChannel createFilled(@Nullable WorkerSession owner, byte[] content) {
    StreamChannel channel =
        filled(
            new StreamChannel(
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString(),
                filledCapacity(content),
                owner),
            content);
    channels.put(channel.id(), channel);
    return channel;
  }

  /**
   * Creates a channel under an id and key the caller chose (our extension for callers that name a
   * channel in the same breath as they announce it), empty or already filled like {@link
   * #createFilled}.
   *
   * @param owner the creating connection (its disconnect drops the channel), or null
   * @param content the whole stream, already ended; null for an empty channel a writer will fill
   * @param bufferSize as for {@link #create}; ignored when {@code content} is given
   * @return false, and nothing created, when a channel with that id exists
   */
  public boolean open(
      @Nullable WorkerSession owner,
      String id,
      String accessKey,
      byte @Nullable [] content,
      @Nullable Integer bufferSize) {
    if (mintOf(id) != null) {
      // A minted id is the mint's to create: nobody may take it ahead under a key of their own.
      return false;
    }
    StreamChannel channel =
        content == null
            ? new StreamChannel(id, accessKey, capacity(bufferSize), owner)
            : filled(new StreamChannel(id, accessKey, filledCapacity(content), owner), content);
    return channels.putIfAbsent(id, channel) == null;
  }

  private static int capacity(@Nullable Integer bufferSize) {
    return bufferSize == null ? DEFAULT_BUFFER : Math.max(1, Math.min(MAX_BUFFER, bufferSize));
  }

  private static int filledCapacity(byte[] content) {
    return Math.max(DEFAULT_BUFFER, (content.length + FRAME_BYTES - 1) / FRAME_BYTES);
  }

  private static StreamChannel filled(StreamChannel channel, byte[] content) {
    channel.takeWriter(() -> {}, reason -> {});
    for (int offset = 0; offset < content.length; offset += FRAME_BYTES) {
      int end = Math.min(content.length, offset + FRAME_BYTES);
      channel.offer(
          new StreamChannel.Binary(
              offset == 0 && end == content.length
                  ? content
                  : Arrays.copyOfRange(content, offset, end)));
    }
    channel.finishWriting();
    return channel;
  }

  /**
   * Drops channels before their stream ended, closing any connected side with 4001. Only the
   * connection that created a channel may release it; other ids are ignored.
   *
   * @return how many channels were dropped
   */
  public int release(@Nullable WorkerSession caller, List<String> ids) {
    int released = 0;
    for (String id : ids) {
      StreamChannel channel = channels.get(id);
      if (channel != null && channel.owner() == caller && channels.remove(id, channel)) {
        channel.drop("channel released by its owner");
        released++;
      }
    }
    return released;
  }

  /**
   * Registers a mint owned by {@code owner} (dropped with it): channels {@code prefix.K.N.E} keyed
   * with HMAC-SHA256 under {@code secret}. The caller has checked the prefix against {@link
   * #MINT_PREFIX} and the secret's length.
   *
   * @return null when registered, otherwise why not
   */
  public @Nullable MintRefusal mint(WorkerSession owner, String prefix, byte[] secret) {
    Mac mac = MintedChannels.mac(secret);
    synchronized (mints) {
      if (mints.containsKey(prefix)) {
        return MintRefusal.PREFIX_TAKEN;
      }
      long held = mints.values().stream().filter(m -> m.owner() == owner).count();
      if (held >= MAX_MINTS_PER_CONNECTION) {
        return MintRefusal.TOO_MANY;
      }
      mints.put(prefix, new Mint(prefix, mac, owner));
    }
    return null;
  }

  /** Number of registered mints. */
  public int mints() {
    return mints.size();
  }

  /**
   * The channel with that id, if the key matches (compared in constant time); a minted channel is
   * created here the first time a side asks for it with its key before its expiry.
   */
  public Optional<StreamChannel> find(String id, String accessKey) {
    StreamChannel channel = channels.get(id);
    if (channel == null) {
      return Optional.ofNullable(minted(id, accessKey));
    }
    return matches(channel.accessKey(), accessKey) ? Optional.of(channel) : Optional.empty();
  }

  private static boolean matches(String expected, String given) {
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  /** The mint an id names by its prefix (the part before the first dot), or null. */
  private @Nullable Mint mintOf(String id) {
    int dot = id.indexOf('.');
    return dot <= 0 || mints.isEmpty() ? null : mints.get(id.substring(0, dot));
  }

  /**
   * Creates the minted channel {@code id} ({@code P.K.N.E}) if its mint is registered, {@code E}
   * has not passed and the key is the HMAC of the id; null otherwise.
   */
  private @Nullable StreamChannel minted(String id, String accessKey) {
    Mint mint = mintOf(id);
    if (mint == null) {
      return null;
    }
    String[] parts = id.split("\\.", -1);
    if (parts.length != 4
        || parts[1].length() != 1
        || !(parts[1].charAt(0) == MintedChannels.BODY
            || parts[1].charAt(0) == MintedChannels.RESPONSE)
        || !digits(parts[2])
        || !digits(parts[3])) {
      return null;
    }
    long expiresAtMs = Long.parseLong(parts[3]) * 1000;
    if (expiresAtMs < System.currentTimeMillis() || !matches(mint.key(id), accessKey)) {
      return null;
    }
    StreamChannel fresh =
        new StreamChannel(id, accessKey, DEFAULT_BUFFER, mint.owner(), expiresAtMs);
    if (parts[1].charAt(0) == MintedChannels.BODY) {
      // A request without a body: its body channel is empty and already ended.
      fresh = filled(fresh, new byte[0]);
    }
    StreamChannel existing = channels.putIfAbsent(id, fresh);
    if (existing != null) {
      // The other side created it first.
      return matches(existing.accessKey(), accessKey) ? existing : null;
    }
    if (mints.get(mint.prefix()) != mint) {
      // The owner went while this was created: dropOwnedBy may have passed this channel by.
      channels.remove(id, fresh);
      fresh.drop("channel owner disconnected");
      return null;
    }
    return fresh;
  }

  /** Whether {@code s} is 1 to 18 ASCII digits (a long without overflow). */
  private static boolean digits(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Forgets a channel whose stream ended. */
  public void remove(StreamChannel channel) {
    channels.remove(channel.id(), channel);
  }

  /** Drops the mints and the channels a closing connection created. */
  public void dropOwnedBy(WorkerSession session) {
    // Mints first: a minted channel created after this is dropped again by its creator.
    mints.values().removeIf(mint -> mint.owner() == session);
    for (StreamChannel channel : List.copyOf(channels.values())) {
      if (channel.owner() == session) {
        channels.remove(channel.id(), channel);
        channel.drop("channel owner disconnected");
      }
    }
  }

  /** Number of live channels. */
  public int size() {
    return channels.size();
  }

  void sweep() {
    long now = System.currentTimeMillis();
    long cutoff = now - unclaimedTtlMs;
    for (StreamChannel channel : List.copyOf(channels.values())) {
      // A minted channel lives until its expiry, however long that is; others for the TTL.
      boolean old =
          channel.expiresAtMs() > 0 ? channel.expiresAtMs() < now : channel.createdAtMs() < cutoff;
      if (old && !channel.fullyAttached()) {
        LOG.debug("dropping channel {}: a side never connected", channel.id());
        channels.remove(channel.id(), channel);
        channel.drop("channel expired unclaimed");
      }
    }
  }

  @PreDestroy
  void stop() {
    sweeper.shutdownNow();
    for (StreamChannel channel : List.copyOf(channels.values())) {
      channel.drop("engine shutting down");
    }
    channels.clear();
    mints.clear();
  }
}

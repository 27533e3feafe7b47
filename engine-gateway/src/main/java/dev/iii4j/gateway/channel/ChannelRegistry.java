package dev.iii4j.gateway.channel;

import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.config.GatewayProperties;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live streaming channels. A channel is removed when its stream ends, when the connection that
 * created it disconnects, or by the sweep when one side never attached within the unclaimed TTL.
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

  private final Map<String, StreamChannel> channels = new ConcurrentHashMap<>();
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

  /** The channel with that id, if the key matches (compared in constant time). */
  public Optional<StreamChannel> find(String id, String accessKey) {
    StreamChannel channel = channels.get(id);
    if (channel == null
        || !MessageDigest.isEqual(
            channel.accessKey().getBytes(StandardCharsets.UTF_8),
            accessKey.getBytes(StandardCharsets.UTF_8))) {
      return Optional.empty();
    }
    return Optional.of(channel);
  }

  /** Forgets a channel whose stream ended. */
  public void remove(StreamChannel channel) {
    channels.remove(channel.id(), channel);
  }

  /** Drops the channels a closing connection created. */
  public void dropOwnedBy(WorkerSession session) {
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
    long cutoff = System.currentTimeMillis() - unclaimedTtlMs;
    for (StreamChannel channel : List.copyOf(channels.values())) {
      if (channel.createdAtMs() < cutoff && !channel.fullyAttached()) {
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
  }
}

package dev.iii4j.stream.clients;

import dev.iii4j.ops.JsonText;
import dev.iii4j.protocol.SerialExecutor;
import dev.iii4j.stream.StreamMessage;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.SubscriptionEvent;
import dev.iii4j.stream.SubscriptionHooks;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected client: its subscriptions, the client protocol (join, leave, sync) and its outbound
 * queue.
 *
 * <p>Threading: frames from the client ({@link #onFrame}) are handled one at a time, in order, on a
 * serial executor over virtual threads (join and leave call triggers and read the store). Writes to
 * the socket, the outbound queue and the hold of messages during a sync live on the channel's event
 * loop. {@link #offer} may be called from any thread and never blocks.
 *
 * <p>Ordering: a join first holds the client's outbound messages, then starts watching the group,
 * then reads the snapshot, then sends {@code sync} followed by the held messages. A message
 * committed after the snapshot was read therefore reaches the client after its {@code sync}, and
 * none is lost in between (one committed just before the snapshot may arrive after it, as an update
 * the snapshot already shows).
 *
 * <p>Back-pressure: while the socket is not writable, messages wait in a queue; when the queued
 * (and held) messages exceed {@code max-buffered-bytes} (counted in JSON characters), the client is
 * disconnected with 1008 and everything queued for it is dropped, so a slow client costs a bounded
 * amount of memory and never slows the change feed or other clients.
 */
final class ClientSession {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

  /** How long a cut-off client's close frame may take to leave before the socket is closed. */
  private static final long CLOSE_GRACE_MILLIS = 1000;

  private final String id = UUID.randomUUID().toString();
  private final Channel channel;
  private final String remote;
  private final @Nullable JsonNode context;
  private final ClientHub hub;
  private final StreamService streams;
  private final SubscriptionHooks hooks;
  private final SerialExecutor serial;
  private final long maxBufferedBytes;
  private final int maxQueuedFrames;
  private final AtomicInteger queuedFrames = new AtomicInteger();

  /** Written on the serial executor, read on the event loop. */
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

  /** Serial executor only. */
  private final Map<Subscription.GroupKey, Integer> watched = new HashMap<>();

  private boolean closed;

  /** Event loop only. */
  private int holds;

  private final ArrayDeque<String> held = new ArrayDeque<>();
  private final ArrayDeque<String> queued = new ArrayDeque<>();
  private long bufferedBytes;
  private boolean cutOff;

  ClientSession(
      Channel channel,
      String remote,
      Optional<JsonNode> context,
      ClientHub hub,
      StreamService streams,
      SubscriptionHooks hooks,
      Executor pool,
      long maxBufferedBytes,
      int maxQueuedFrames) {
    this.channel = channel;
    this.remote = remote;
    this.context = context.orElse(null);
    this.hub = hub;
    this.streams = streams;
    this.hooks = hooks;
    this.serial = new SerialExecutor(pool);
    this.maxBufferedBytes = maxBufferedBytes;
    this.maxQueuedFrames = maxQueuedFrames;
  }

  String id() {
    return id;
  }

  /** A text (or binary, decoded as UTF-8) frame from the client. */
  void onFrame(String text) {
    if (queuedFrames.incrementAndGet() > maxQueuedFrames) {
      LOG.warn(
          "stream client {} ({}) has more than {} requests waiting; closing it",
          id,
          remote,
          maxQueuedFrames);
      close(WebSocketCloseStatus.POLICY_VIOLATION.code(), "too many requests waiting");
      return;
    }
    serial.execute(
        () -> {
          try {
            handle(text);
          } finally {
            queuedFrames.decrementAndGet();
          }
        });
  }

  /** The socket closed: leave triggers run for every remaining subscription. */
  void onClosed() {
    channel.eventLoop().execute(this::dropQueues);
    serial.execute(
        () -> {
          closed = true;
          for (Subscription subscription : List.copyOf(subscriptions.values())) {
            hooks.leave(event(subscription));
            forget(subscription.subscriptionId());
          }
          hub.remove(this);
          LOG.debug("stream client {} ({}) disconnected", id, remote);
        });
  }

  /** A committed message from the change feed; queued if one of the subscriptions wants it. */
  void offer(StreamMessage message, String text) {
    channel
        .eventLoop()
        .execute(
            () -> {
              if (cutOff || !wanted(message)) {
                return;
              }
              if (holds > 0) {
                held.add(text);
                grow(text);
              } else {
                send(text);
              }
            });
  }

  /** Sends a fresh {@code sync} for every subscription (the change feed missed messages). */
  void resync() {
    serial.execute(
        () -> {
          for (Subscription subscription : List.copyOf(subscriptions.values())) {
            hold();
            syncAndRelease(subscription);
          }
        });
  }

  /** Closes the connection with a status (from any thread). */
  void close(int status, String reason) {
    channel
        .eventLoop()
        .execute(
            () -> {
              if (channel.isActive()) {
                channel
                    .writeAndFlush(new CloseWebSocketFrame(status, reason))
                    .addListener(ChannelFutureListener.CLOSE);
                channel
                    .eventLoop()
                    .schedule(() -> channel.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
              }
            });
  }

  /** The socket can take more: sends what waited. Event loop only. */
  void drain() {
    while (!queued.isEmpty() && channel.isWritable()) {
      String text = queued.poll();
      bufferedBytes -= text.length();
      write(text);
    }
  }

  private void handle(String text) {
    if (closed || text.isBlank()) {
      return;
    }
    Request request;
    try {
      request = Request.parse(text);
    } catch (IllegalArgumentException e) {
      LOG.warn("stream client {} ({}): ignored a frame: {}", id, remote, e.getMessage());
      return;
    }
    Subscription subscription =
        new Subscription(
            request.subscriptionId(), request.streamName(), request.groupId(), request.id());
    if (request.join()) {
      join(subscription);
    } else {
      hooks.leave(event(subscription));
      forget(subscription.subscriptionId());
    }
  }

  private void join(Subscription subscription) {
    if (!hooks.join(event(subscription))) {
      String refusal =
          StreamMessage.unauthorized(
                  subscription.streamName(),
                  subscription.groupId(),
                  subscription.id(),
                  System.currentTimeMillis())
              .toText();
      channel.eventLoop().execute(() -> send(refusal));
      return;
    }
    // The hold is queued on the event loop before the group is watched: every message the hub
    // routes here from now on runs after it, so it waits until the sync has gone out.
    hold();
    Subscription replaced = subscriptions.put(subscription.subscriptionId(), subscription);
    if (replaced == null) {
      hub.subscriptionsChanged(1);
    } else {
      unwatch(replaced.group());
    }
    if (watched.merge(subscription.group(), 1, Integer::sum) == 1) {
      hub.watch(subscription.group(), this);
    }
    syncAndRelease(subscription);
  }

  private void hold() {
    channel.eventLoop().execute(() -> holds++);
  }

  /** Reads the snapshot, sends it, then releases the hold taken before and what it kept. */
  private void syncAndRelease(Subscription subscription) {
    String sync = null;
    try {
      JsonNode data =
          subscription.id() == null
              ? streams.list(subscription.streamName(), subscription.groupId())
              : streams
                  .get(subscription.streamName(), subscription.groupId(), subscription.id())
                  .orElse(null);
      sync =
          StreamMessage.sync(
                  subscription.streamName(),
                  subscription.groupId(),
                  subscription.id(),
                  data == null ? JsonNode.nullNode() : data,
                  System.currentTimeMillis())
              .toText();
    } catch (RuntimeException e) {
      // As in the reference: the subscription stays, the client gets no sync.
      LOG.warn(
          "stream client {} ({}): cannot read {}/{}{} for subscription {}: {}",
          id,
          remote,
          subscription.streamName(),
          subscription.groupId(),
          subscription.id() == null ? "" : "/" + subscription.id(),
          subscription.subscriptionId(),
          e.getMessage());
    }
    String snapshot = sync;
    channel
        .eventLoop()
        .execute(
            () -> {
              if (snapshot != null) {
                send(snapshot);
              }
              if (--holds == 0) {
                while (!held.isEmpty()) {
                  String text = held.poll();
                  bufferedBytes -= text.length();
                  send(text);
                }
              }
            });
  }

  private void forget(String subscriptionId) {
    Subscription removed = subscriptions.remove(subscriptionId);
    if (removed != null) {
      hub.subscriptionsChanged(-1);
      unwatch(removed.group());
    }
  }

  private void unwatch(Subscription.GroupKey group) {
    Integer left = watched.merge(group, -1, Integer::sum);
    if (left != null && left <= 0) {
      watched.remove(group);
      hub.unwatch(group, this);
    }
  }

  private boolean wanted(StreamMessage message) {
    for (Subscription subscription : subscriptions.values()) {
      if (subscription.matches(message.streamName(), message.groupId(), message.id())) {
        return true;
      }
    }
    return false;
  }

  /** Event loop only. */
  private void send(String text) {
    if (cutOff) {
      return;
    }
    if (queued.isEmpty() && channel.isWritable()) {
      write(text);
    } else {
      queued.add(text);
      grow(text);
    }
  }

  private void write(String text) {
    channel.writeAndFlush(new TextWebSocketFrame(text));
    hub.pushed();
  }

  /** Event loop only: counts buffered text, and cuts the client off past the limit. */
  private void grow(String text) {
    bufferedBytes += text.length();
    if (bufferedBytes > maxBufferedBytes && !cutOff) {
      cutOff = true;
      long waiting = bufferedBytes;
      dropQueues();
      hub.cutOff();
      LOG.warn(
          "stream client {} ({}) is not reading: {} bytes of messages waiting (limit {});"
              + " disconnecting it with 1008",
          id,
          remote,
          waiting,
          maxBufferedBytes);
      close(
          WebSocketCloseStatus.POLICY_VIOLATION.code(),
          "slow client: more than " + maxBufferedBytes + " bytes of messages waiting");
    }
  }

  private void dropQueues() {
    queued.clear();
    held.clear();
    bufferedBytes = 0;
  }

  private SubscriptionEvent event(Subscription subscription) {
    return new SubscriptionEvent(
        subscription.subscriptionId(),
        subscription.streamName(),
        subscription.groupId(),
        subscription.id(),
        context);
  }

  /**
   * A client request: {@code {"type":"join"|"leave","data":{"subscriptionId","streamName",
   * "groupId","id"?}}}.
   */
  private record Request(
      boolean join, String subscriptionId, String streamName, String groupId, @Nullable String id) {

    static Request parse(String text) {
      JsonNode frame = JsonText.parse(text);
      if (!frame.isObject()) {
        throw new IllegalArgumentException("a request must be a JSON object");
      }
      JsonNode type = frame.get("type");
      if (type == null || !type.isString()) {
        throw new IllegalArgumentException("missing field `type`");
      }
      boolean join =
          switch (type.getStringValue()) {
            case "join" -> true;
            case "leave" -> false;
            default ->
                throw new IllegalArgumentException(
                    "unknown variant `" + type.getStringValue() + "`, expected `join` or `leave`");
          };
      JsonNode data = frame.get("data");
      if (data == null || !data.isObject()) {
        throw new IllegalArgumentException("missing field `data`");
      }
      JsonNode id = data.get("id");
      if (id != null && !id.isNull() && !id.isString()) {
        throw new IllegalArgumentException("invalid type at `data.id`, expected a string");
      }
      return new Request(
          join,
          text(data, "subscriptionId"),
          text(data, "streamName"),
          text(data, "groupId"),
          id == null || id.isNull() ? null : id.getStringValue());
    }

    private static String text(JsonNode data, String field) {
      JsonNode value = data.get(field);
      if (value == null || !value.isString()) {
        throw new IllegalArgumentException("missing or non-string field `data." + field + "`");
      }
      return value.getStringValue();
    }
  }
}

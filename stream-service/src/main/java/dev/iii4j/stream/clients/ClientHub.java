package dev.iii4j.stream.clients;

import dev.iii4j.stream.ChangeListener;
import dev.iii4j.stream.StreamMessage;
import dev.iii4j.stream.StreamService;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients connected to this replica and the groups they watch. The change feed hands every
 * committed message to {@link #onMessage}, which passes it to the sessions watching its (stream,
 * group); each session decides on its own event loop whether one of its subscriptions wants it.
 *
 * <p>Threading: thread-safe. {@link #onMessage} never blocks: sessions queue the message on their
 * own event loop.
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
public final class ClientHub implements ChangeListener {
  private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<Subscription.GroupKey, Set<ClientSession>> watchers =
      new ConcurrentHashMap<>();
  private final AtomicInteger subscriptions = new AtomicInteger();
  private final AtomicLong pushed = new AtomicLong();
  private final AtomicLong cutOff = new AtomicLong();
  private final AtomicLong messages = new AtomicLong();

  @Override
  public void onMessage(StreamMessage message, String text) {
    messages.incrementAndGet();
    Set<ClientSession> watching =
        watchers.get(new Subscription.GroupKey(message.streamName(), message.groupId()));
    if (watching != null) {
      for (ClientSession session : watching) {
        session.offer(message, text);
      }
    }
  }

  @Override
  public void onGap() {
    for (ClientSession session : sessions) {
      session.resync();
    }
  }

  void add(ClientSession session) {
    sessions.add(session);
  }

  void remove(ClientSession session) {
    sessions.remove(session);
  }

  /** {@code session} now has a subscription in {@code group} (called on its first one there). */
  void watch(Subscription.GroupKey group, ClientSession session) {
    watchers.computeIfAbsent(group, k -> ConcurrentHashMap.newKeySet()).add(session);
  }

  /** {@code session} has no subscription left in {@code group}. */
  void unwatch(Subscription.GroupKey group, ClientSession session) {
    watchers.computeIfPresent(
        group,
        (k, set) -> {
          set.remove(session);
          return set.isEmpty() ? null : set;
        });
  }

  void subscriptionsChanged(int delta) {
    subscriptions.addAndGet(delta);
  }

  void pushed() {
    pushed.incrementAndGet();
  }

  void cutOff() {
    cutOff.incrementAndGet();
  }

  /** The sessions connected now. */
  List<ClientSession> sessions() {
    return List.copyOf(sessions);
  }

  /** The number of connected clients. */
  public int connected() {
    return sessions.size();
  }

  /** The number of subscriptions of the connected clients. */
  public int subscriptions() {
    return subscriptions.get();
  }

  /** Frames pushed to clients since start (syncs, events, refusals). */
  public long pushedTotal() {
    return pushed.get();
  }

  /** Clients disconnected because they did not keep up. */
  public long cutOffTotal() {
    return cutOff.get();
  }

  /** Messages received from the change feed since start. */
  public long messagesTotal() {
    return messages.get();
  }
}

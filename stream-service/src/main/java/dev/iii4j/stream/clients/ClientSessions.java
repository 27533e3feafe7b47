package dev.iii4j.stream.clients;

import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.SubscriptionHooks;
import io.micronaut.json.tree.JsonNode;
import io.netty.channel.Channel;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes the {@link ClientSession} of each upgraded connection and registers it with the hub. */
final class ClientSessions {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSessions.class);

  private final ClientHub hub;
  private final StreamService streams;
  private final SubscriptionHooks hooks;
  private final Executor pool;
  private final long maxBufferedBytes;
  private final int maxQueuedFrames;

  ClientSessions(
      ClientHub hub,
      StreamService streams,
      SubscriptionHooks hooks,
      Executor pool,
      long maxBufferedBytes,
      int maxQueuedFrames) {
    this.hub = hub;
    this.streams = streams;
    this.hooks = hooks;
    this.pool = pool;
    this.maxBufferedBytes = maxBufferedBytes;
    this.maxQueuedFrames = maxQueuedFrames;
  }

  ClientSession open(Channel channel, String remote, Optional<JsonNode> context) {
    ClientSession session =
        new ClientSession(
            channel, remote, context, hub, streams, hooks, pool, maxBufferedBytes, maxQueuedFrames);
    hub.add(session);
    LOG.debug(
        "stream client {} connected from {}{}",
        session.id(),
        remote,
        context.isPresent() ? " with an auth context" : "");
    return session;
  }
}

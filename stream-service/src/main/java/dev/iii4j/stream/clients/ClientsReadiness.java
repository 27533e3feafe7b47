package dev.iii4j.stream.clients;

import dev.iii4j.stream.ChangeFeed;
import dev.iii4j.stream.StreamService;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Ready while the client listener is bound and the change feed listens (without it, clients of this
 * replica would miss changes made through the others). The gateway connection and the database have
 * their own indicators.
 */
@Singleton
@Readiness
@Requires(env = StreamService.ENVIRONMENT)
final class ClientsReadiness implements HealthIndicator {
  private final StreamSocketServer server;
  private final ChangeFeed feed;
  private final ClientHub hub;

  ClientsReadiness(StreamSocketServer server, ChangeFeed feed, ClientHub hub) {
    this.server = server;
    this.feed = feed;
    this.hub = hub;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    boolean up = server.isListening() && feed.connected();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("port", server.port());
    details.put("listening", server.isListening());
    details.put("change_feed", feed.connected());
    details.put("clients", hub.connected());
    details.put("subscriptions", hub.subscriptions());
    return Publishers.just(
        HealthResult.builder("stream-clients", up ? HealthStatus.UP : HealthStatus.DOWN)
            .details(details)
            .build());
  }
}

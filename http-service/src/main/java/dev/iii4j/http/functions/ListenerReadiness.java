package dev.iii4j.http.functions;

import dev.iii4j.http.Application;
import dev.iii4j.http.RouteTable;
import dev.iii4j.http.netty.PublicHttpServer;
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
 * Ready while the public listener is bound. The gateway connection has the shared {@code gateway}
 * indicator of service-support; readiness needs both.
 */
@Requires(env = Application.ENVIRONMENT)
@Singleton
@Readiness
final class ListenerReadiness implements HealthIndicator {
  private final PublicHttpServer server;
  private final RouteTable routes;

  ListenerReadiness(PublicHttpServer server, RouteTable routes) {
    this.server = server;
    this.routes = routes;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("http_port", server.port());
    details.put("listening", server.isListening());
    details.put("routes", routes.size());
    return Publishers.just(
        HealthResult.builder("http", server.isListening() ? HealthStatus.UP : HealthStatus.DOWN)
            .details(details)
            .build());
  }
}

package dev.iii4j.http.functions;

import dev.iii4j.http.Application;
import dev.iii4j.http.RouteTable;
import dev.iii4j.http.netty.PublicHttpServer;
import dev.iii4j.sdk.EngineWorker;
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

/** Ready while the service is connected to the gateway and the public listener is bound. */
@Requires(env = Application.ENVIRONMENT)
@Singleton
@Readiness
final class ReadinessIndicator implements HealthIndicator {
  private final EngineWorker worker;
  private final PublicHttpServer server;
  private final RouteTable routes;

  ReadinessIndicator(EngineWorker worker, PublicHttpServer server, RouteTable routes) {
    this.worker = worker;
    this.server = server;
    this.routes = routes;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    boolean up = worker.isConnected() && server.isListening();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("gateway_url", worker.options().engineUrl().toString());
    details.put("gateway_connected", worker.isConnected());
    details.put("worker_id", worker.workerId().orElse(""));
    details.put("http_port", server.port());
    details.put("routes", routes.size());
    return Publishers.just(
        HealthResult.builder("gateway", up ? HealthStatus.UP : HealthStatus.DOWN)
            .details(details)
            .build());
  }
}

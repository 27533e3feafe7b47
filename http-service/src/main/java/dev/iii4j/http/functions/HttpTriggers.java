package dev.iii4j.http.functions;

import dev.iii4j.http.Application;
import dev.iii4j.http.RouteTable;
import dev.iii4j.sdk.EngineWorker;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PostConstruct;

/**
 * Provides the {@code http} trigger type on the service's worker, then connects to the gateway. The
 * gateway sends every {@code http} trigger to every replica, so each replica serves every route.
 */
@Requires(env = Application.ENVIRONMENT)
@Context
final class HttpTriggers {
  private final EngineWorker worker;

  HttpTriggers(EngineWorker worker, RouteTable routes) {
    this.worker = worker;
    worker.registerTriggerType(
        HttpTriggerProvider.TRIGGER_TYPE,
        "HTTP API route (api_path, http_method)",
        new HttpTriggerProvider(routes, worker::isConnected));
  }

  @PostConstruct
  void start() {
    worker.start();
  }
}

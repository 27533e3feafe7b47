package dev.iii4j.http.config;

import dev.iii4j.http.Application;
import dev.iii4j.http.ChannelClient;
import dev.iii4j.http.ConcurrencyLimiter;
import dev.iii4j.http.HttpPipeline;
import dev.iii4j.http.RouteTable;
import dev.iii4j.http.channels.WebSocketChannelClient;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.service.GatewayConnection;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Wires the service: its gateway connection (service-support's {@code EngineWorkerFactory} turns it
 * into the SDK worker, started by the functions package after it registered the trigger type), the
 * route table, the channel client and the pipeline.
 */
@Requires(env = Application.ENVIRONMENT)
@Factory
final class ServiceFactory {

  @Singleton
  GatewayConnection gatewayConnection(Environment environment) {
    return GatewayConnection.bind(
        environment, HttpServiceProperties.PREFIX, Application.ENVIRONMENT);
  }

  @Singleton
  RouteTable routeTable() {
    return new RouteTable();
  }

  @Singleton
  @Named("http-channels")
  @Bean(preDestroy = "shutdownNow")
  ExecutorService channelExecutor() {
    return Executors.newVirtualThreadPerTaskExecutor();
  }

  @Singleton
  @Named("http-deadlines")
  @Bean(preDestroy = "shutdownNow")
  ScheduledExecutorService deadlines() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("http-deadlines").daemon().factory());
    // Requests normally finish long before their deadline; drop the cancelled tasks at once.
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  @Singleton
  @Bean(preDestroy = "close")
  WebSocketChannelClient channelClient(
      EngineWorker worker,
      @Named("http-channels") ExecutorService executor,
      @Named("http-deadlines") ScheduledExecutorService timer) {
    return new WebSocketChannelClient(worker, executor, timer);
  }

  @Singleton
  ConcurrencyLimiter concurrencyLimiter(
      HttpServiceProperties properties, @Named("http-channels") ExecutorService executor) {
    return new ConcurrencyLimiter(properties.concurrencyRequestLimit(), executor);
  }

  @Singleton
  HttpPipeline pipeline(
      EngineWorker worker,
      RouteTable routes,
      WebSocketChannelClient channels,
      ObjectMapper objectMapper,
      HttpServiceProperties properties,
      @Named("http-deadlines") ScheduledExecutorService deadlines,
      ConcurrencyLimiter limiter) {
    ChannelClient client = channels;
    return new HttpPipeline(
        worker,
        routes,
        client,
        objectMapper,
        properties.requestTimeout(),
        properties.middlewareIds(),
        deadlines,
        limiter);
  }
}

package dev.iii4j.service;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/**
 * {@link BlockingCalls} as a bean, for the services with a database: as many platform threads as
 * the default data source has connections ({@code datasources.default.maximum-pool-size}, 10 when
 * unset), named after the application. Created only where a bean asks for it.
 */
@Factory
final class BlockingCallsFactory {

  @Singleton
  @Requires(beans = GatewayConnection.class)
  @Bean(preDestroy = "close")
  BlockingCalls blockingCalls(
      @Value("${micronaut.application.name:service}") String name,
      @Value("${datasources.default.maximum-pool-size:10}") int connections) {
    return new BlockingCalls(name, connections);
  }
}

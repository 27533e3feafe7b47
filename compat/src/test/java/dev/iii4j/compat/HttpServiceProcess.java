package dev.iii4j.compat;

import dev.iii4j.http.Application;
import dev.iii4j.http.netty.PublicHttpServer;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;

/**
 * The http service the compatibility suites run against: one replica in this JVM, connected to the
 * harness gateway with its service token, its public API on an ephemeral loopback port.
 */
final class HttpServiceProcess {
  private HttpServiceProcess() {}

  static ApplicationContext start(GatewayHarness gateway) {
    return ServiceHarness.service(Application.ENVIRONMENT, "engine.http")
        .gateway(gateway)
        .property("engine.http.host", "127.0.0.1")
        .property("engine.http.port", 0)
        .start();
  }

  /** The base URL of the service's public API. */
  static String url(ApplicationContext context) {
    return "http://127.0.0.1:" + context.getBean(PublicHttpServer.class).port();
  }
}

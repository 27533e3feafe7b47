package dev.iii4j.compat;

import dev.iii4j.http.Application;
import dev.iii4j.http.netty.PublicHttpServer;
import dev.iii4j.testing.GatewayHarness;
import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.Map;

/**
 * The http service the compatibility suites run against: one replica in this JVM, connected to the
 * harness gateway with its service token, its public API on an ephemeral loopback port.
 */
final class HttpServiceProcess {
  private HttpServiceProcess() {}

  static ApplicationContext start(GatewayHarness gateway) {
    Map<String, Object> props = new HashMap<>();
    props.put("engine.http.gateway-url", gateway.url().toString());
    props.put("engine.http.service-token", gateway.serviceToken());
    props.put("engine.http.host", "127.0.0.1");
    props.put("engine.http.port", 0);
    props.put("engine.http.reconnect-max-delay", "500ms");
    props.put("micronaut.server.port", -1);
    return ApplicationContext.builder()
        .environments(Application.ENVIRONMENT)
        .properties(props)
        .start();
  }

  /** The base URL of the service's public API. */
  static String url(ApplicationContext context) {
    return "http://127.0.0.1:" + context.getBean(PublicHttpServer.class).port();
  }
}

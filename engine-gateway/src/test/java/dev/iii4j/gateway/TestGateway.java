package dev.iii4j.gateway;

import dev.iii4j.gateway.ws.WorkerListener;
import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.Map;

/** A gateway in the test JVM: worker port free, loopback only, no management server. */
final class TestGateway {
  private TestGateway() {}

  /** Starts a gateway with {@code settings} on top of the test defaults (later ones win). */
  static ApplicationContext run(Map<String, Object> settings) {
    Map<String, Object> all = new HashMap<>();
    all.put("engine.gateway.port", 0);
    all.put("engine.gateway.host", "127.0.0.1");
    all.put("micronaut.server.port", -1);
    all.putAll(settings);
    return ApplicationContext.run(all);
  }

  /** The worker WebSocket port a started gateway listens on. */
  static int port(ApplicationContext gateway) {
    return gateway.getBean(WorkerListener.class).port();
  }
}

package dev.iii4j.http;

import dev.iii4j.http.config.HttpServiceProperties;
import dev.iii4j.http.netty.PublicHttpServer;
import dev.iii4j.testing.GatewayHarness;
import dev.iii4j.testing.ServiceHarness;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.tree.JsonNode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Starts http-service replicas against a {@link GatewayHarness}, on ephemeral ports. */
final class HttpServiceInstance implements AutoCloseable {
  final ApplicationContext context;
  final URI base;

  private HttpServiceInstance(ApplicationContext context) {
    this.context = context;
    this.base = URI.create("http://127.0.0.1:" + context.getBean(PublicHttpServer.class).port());
  }

  static HttpServiceInstance start(GatewayHarness gateway, Map<String, Object> extra) {
    return new HttpServiceInstance(
        ServiceHarness.service(Application.ENVIRONMENT, HttpServiceProperties.PREFIX)
            .gateway(gateway)
            .property("engine.http.host", "127.0.0.1")
            .property("engine.http.port", 0)
            .properties(extra)
            .start());
  }

  URI uri(String pathAndQuery) {
    return base.resolve(pathAndQuery);
  }

  @Override
  public void close() {
    context.close();
  }

  /** A JSON object from alternating keys and values (strings, numbers, booleans, nodes, lists). */
  static JsonNode json(Object... kv) {
    Map<String, JsonNode> map = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      map.put((String) kv[i], node(kv[i + 1]));
    }
    return JsonNode.createObjectNode(map);
  }

  static JsonNode node(Object v) {
    return switch (v) {
      case null -> JsonNode.nullNode();
      case JsonNode n -> n;
      case String s -> JsonNode.createStringNode(s);
      case Integer n -> JsonNode.createNumberNode(n);
      case Long n -> JsonNode.createNumberNode(n);
      case Double n -> JsonNode.createNumberNode(n);
      case Boolean b -> JsonNode.createBooleanNode(b);
      case List<?> l ->
          JsonNode.createArrayNode(l.stream().map(HttpServiceInstance::node).toList());
      default -> throw new IllegalArgumentException(String.valueOf(v));
    };
  }
}

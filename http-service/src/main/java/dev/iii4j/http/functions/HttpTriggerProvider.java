package dev.iii4j.http.functions;

import dev.iii4j.http.Route;
import dev.iii4j.http.RouteConflictException;
import dev.iii4j.http.RouteTable;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.sdk.TriggerTypeProvider;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * The {@code http} trigger type (spec section 4.2). Config: {@code api_path} (required), {@code
 * http_method} (default {@code GET}), {@code condition_function_id}, {@code
 * middleware_function_ids}; other keys are ignored. A rejected route fails the registration, which
 * the SDK reports as {@code trigger_registration_failed} with the message.
 */
final class HttpTriggerProvider implements TriggerTypeProvider {
  static final String TRIGGER_TYPE = "http";
  static final String MISSING_PATH = "api_path is required for http triggers";

  private final RouteTable routes;
  private final BooleanSupplier connected;

  HttpTriggerProvider(RouteTable routes, BooleanSupplier connected) {
    this.routes = routes;
    this.connected = connected;
  }

  @Override
  public CompletionStage<Void> registerTrigger(TriggerBinding binding) {
    try {
      routes.add(route(binding));
      return CompletableFuture.completedFuture(null);
    } catch (RouteConflictException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void unregisterTrigger(TriggerBinding binding) {
    if (connected.getAsBoolean()) {
      routes.remove(binding.id());
    } else {
      // The SDK withdraws every binding when the connection drops; the gateway replays them on
      // reconnect. Meanwhile requests to these routes should learn that the gateway is away (503).
      routes.orphan(binding.id());
    }
  }

  static Route route(TriggerBinding binding) {
    JsonNode config = SerdeTrees.serde(binding.config());
    String path = config != null && config.isObject() ? text(config.get("api_path")) : null;
    if (path == null) {
      throw new IllegalArgumentException(MISSING_PATH);
    }
    List<String> middleware = new ArrayList<>();
    JsonNode ids = config.get("middleware_function_ids");
    if (ids != null && ids.isArray()) {
      for (JsonNode id : ids.values()) {
        if (id.isString() && !id.getStringValue().isBlank()) {
          middleware.add(id.getStringValue());
        }
      }
    }
    String condition = text(config.get("condition_function_id"));
    return Route.of(
        binding.id(),
        binding.functionId(),
        text(config.get("http_method")),
        path,
        condition == null || condition.isBlank() ? null : condition,
        middleware,
        SerdeTrees.serde(binding.metadata()));
  }

  private static @Nullable String text(@Nullable JsonNode node) {
    return node != null && node.isString() ? node.getStringValue() : null;
  }
}

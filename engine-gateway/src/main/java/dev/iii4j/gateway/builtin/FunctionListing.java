package dev.iii4j.gateway.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.gateway.registry.FunctionDefinition;
import dev.iii4j.gateway.registry.FunctionProvider;
import dev.iii4j.gateway.registry.FunctionRegistry;
import jakarta.inject.Singleton;
import java.util.List;

/** Builds the {@code FunctionSummary} rows shared by listings and availability events. */
@Singleton
public final class FunctionListing {

  /** The name listings show as a function's worker. */
  public String workerName(FunctionRegistry.Pool pool) {
    List<FunctionProvider> members = pool.members();
    if (members.isEmpty()) {
      return firstSegment(pool.id());
    }
    return switch (members.get(members.size() - 1)) {
      case FunctionProvider.Builtin b -> b.workerName();
      case FunctionProvider.Worker w -> nameOf(w.session(), pool.id());
      case FunctionProvider.Http h -> nameOf(h.session(), pool.id());
    };
  }

  private static String nameOf(WorkerSession session, String functionId) {
    return session.name() != null ? session.name() : firstSegment(functionId);
  }

  /** One summary row: function_id, worker_name, and description/metadata when present. */
  public JsonNode row(FunctionRegistry.Pool pool) {
    FunctionDefinition definition = pool.definition();
    return Json.object()
        .put("function_id", pool.id())
        .put("worker_name", workerName(pool))
        .putIfPresent("description", definition.description())
        .putIfPresent("metadata", definition.metadata())
        .build();
  }

  /** Rows for the given pools, in the given order. */
  public List<JsonNode> rows(List<FunctionRegistry.Pool> pools) {
    return pools.stream().filter(p -> !p.members().isEmpty()).map(this::row).toList();
  }

  /** The first {@code ::} segment of an id, or the whole id. */
  public static String firstSegment(String id) {
    int at = id.indexOf("::");
    return at < 0 ? id : id.substring(0, at);
  }
}

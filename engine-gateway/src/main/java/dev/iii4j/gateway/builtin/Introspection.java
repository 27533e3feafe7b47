package dev.iii4j.gateway.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.gateway.registry.FunctionDefinition;
import dev.iii4j.gateway.registry.FunctionProvider;
import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.gateway.registry.TriggerEntry;
import dev.iii4j.gateway.registry.TriggerRegistry;
import dev.iii4j.gateway.registry.TriggerTypeProvider;
import dev.iii4j.protocol.MessageCodec;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;

/**
 * Builds the rows and detail objects of the introspection functions (spec 4.1 to 4.4), so that
 * listings and {@code *::info} answers cannot disagree about a name or a shape. Read-only over the
 * registries; thread-safe.
 */
@Singleton
public final class Introspection {

  /** The engine version reported for in-process workers. */
  public static final String ENGINE_VERSION = dev.iii4j.protocol.EngineVersion.VALUE;

  private static final int CONFIG_SUMMARY_LIMIT = 80;

  private final FunctionRegistry functions;
  private final TriggerRegistry triggers;
  private final FunctionListing listing;
  private final MessageCodec codec;
  private final long startedAtMs = System.currentTimeMillis();

  Introspection(
      FunctionRegistry functions,
      TriggerRegistry triggers,
      FunctionListing listing,
      MessageCodec codec) {
    this.functions = functions;
    this.triggers = triggers;
    this.listing = listing;
    this.codec = codec;
  }

  /**
   * The worker a trigger type is listed under: the name its newest worker provider reported, else
   * the well-known provider of a built-in type, else the first {@code ::} segment of its id.
   */
  public String triggerTypeWorkerName(TriggerRegistry.TypeView type) {
    TriggerTypeProvider newest = type.providers().get(type.providers().size() - 1);
    return switch (newest) {
      case TriggerTypeProvider.InProcess p -> p.workerName();
      case TriggerTypeProvider.Worker w -> {
        if (w.session().name() != null) {
          yield w.session().name();
        }
        yield switch (type.id()) {
          case "http" -> "iii-http";
          case "cron" -> "iii-cron";
          case "subscribe" -> InProcessWorker.PUBSUB.workerName();
          case "state" -> "iii-state";
          case "stream", "stream:join", "stream:leave" -> "iii-stream";
          case "log", "trace" -> InProcessWorker.OBSERVABILITY.workerName();
          case "configuration" -> "configuration";
          case "durable:subscriber" -> "queue";
          default -> FunctionListing.firstSegment(type.id());
        };
      }
    };
  }

  /** A {@code TriggerTypeSummary}: {@code {id, worker_name, description}}. */
  public JsonNode triggerTypeSummary(TriggerRegistry.TypeView type) {
    return Json.object()
        .put("id", type.id())
        .put("worker_name", triggerTypeWorkerName(type))
        .put("description", type.description())
        .build();
  }

  /**
   * A {@code TriggerTypeDetail}: the summary plus the schemas the newest worker provider sent
   * ({@code configuration_schema} from {@code trigger_request_format}, {@code request_schema} from
   * {@code call_request_format}, each omitted when absent) and {@code instance_count}, the number
   * of live bindings of the type.
   *
   * @return null when the type is not registered
   */
  public @Nullable JsonNode triggerTypeDetail(String id) {
    TriggerRegistry.TypeView type = triggers.type(id);
    if (type == null) {
      return null;
    }
    JsonNode configurationSchema = null;
    JsonNode requestSchema = null;
    if (type.providers().get(type.providers().size() - 1) instanceof TriggerTypeProvider.Worker w) {
      configurationSchema = w.triggerRequestFormat();
      requestSchema = w.callRequestFormat();
    }
    return Json.object()
        .put("id", type.id())
        .put("worker_name", triggerTypeWorkerName(type))
        .put("description", type.description())
        .putIfPresent("configuration_schema", configurationSchema)
        .putIfPresent("request_schema", requestSchema)
        .put("instance_count", triggers.live(id).size())
        .build();
  }

  /** The worker listings show for a function id, registered or not (4.1). */
  public String functionWorkerName(String functionId) {
    FunctionRegistry.Pool pool = functions.get(functionId);
    return pool != null && !pool.members().isEmpty()
        ? listing.workerName(pool)
        : FunctionListing.firstSegment(functionId);
  }

  /**
   * A {@code RegisteredTriggerSummary}: {@code {id, trigger_type, function_id, worker_name, config,
   * config_summary}}, every key present.
   */
  public JsonNode registeredTriggerRow(TriggerEntry trigger) {
    return Json.object()
        .put("id", trigger.id())
        .put("trigger_type", trigger.triggerType())
        .put("function_id", trigger.functionId())
        .put("worker_name", functionWorkerName(trigger.functionId()))
        .put("config", trigger.config())
        .put("config_summary", configSummary(trigger.config()))
        .build();
  }

  /** Compact JSON of a trigger config, cut to 80 characters plus an ellipsis. */
  String configSummary(@Nullable JsonNode config) {
    String summary = config == null ? "null" : codec.writeJson(config);
    if (summary.codePointCount(0, summary.length()) > CONFIG_SUMMARY_LIMIT) {
      return summary.substring(0, summary.offsetByCodePoints(0, CONFIG_SUMMARY_LIMIT)) + "…";
    }
    return summary;
  }

  /**
   * A {@code FunctionDetail}: {@code {function_id, worker_name, description?, request_schema?,
   * response_schema?, metadata?, registered_triggers}}, where {@code registered_triggers} lists the
   * live bindings targeting the id as {@code {id, trigger_type, config}}, sorted by id.
   *
   * @return null when the id is not registered
   */
  public @Nullable JsonNode functionDetail(String functionId) {
    FunctionRegistry.Pool pool = functions.get(functionId);
    if (pool == null || pool.members().isEmpty()) {
      return null;
    }
    FunctionDefinition definition = pool.definition();
    List<JsonNode> bound =
        triggers.allLive().stream()
            .filter(t -> t.functionId().equals(functionId))
            .sorted(Comparator.comparing(TriggerEntry::id))
            .map(
                t ->
                    Json.object()
                        .put("id", t.id())
                        .put("trigger_type", t.triggerType())
                        .put("config", t.config())
                        .build())
            .toList();
    return Json.object()
        .put("function_id", functionId)
        .put("worker_name", listing.workerName(pool))
        .putIfPresent("description", definition.description())
        .putIfPresent("request_schema", definition.requestFormat())
        .putIfPresent("response_schema", definition.responseFormat())
        .putIfPresent("metadata", definition.metadata())
        .put("registered_triggers", Json.array(bound))
        .build();
  }

  /** The function pools an in-process worker contributes to. */
  public List<FunctionRegistry.Pool> functionsOf(InProcessWorker worker) {
    return functions.all().stream()
        .filter(
            p ->
                p.members().stream()
                    .anyMatch(
                        m ->
                            m instanceof FunctionProvider.Builtin b
                                && b.workerName().equals(worker.workerName())))
        .toList();
  }

  /** The twelve {@code WorkerSummary} keys of an in-process worker (4.2), as a builder. */
  public Json workerSummary(InProcessWorker worker) {
    return Json.object()
        .put("name", worker.workerName())
        .put("description", worker.description())
        .put("version", ENGINE_VERSION)
        .put("id", worker.workerName())
        .put("runtime", "engine")
        .put("os", (String) null)
        .put("status", "available")
        .put("function_count", functionsOf(worker).size())
        .put("connected_at_ms", startedAtMs)
        .put("active_invocations", 0)
        .put("isolation", "in-process")
        .put("ip_address", (String) null);
  }

  /** The twelve {@code WorkerSummary} keys of a connection (4.2), as a builder. */
  public Json workerSummary(WorkerSession session) {
    WorkerSession.Description d = session.description();
    return Json.object()
        .put("name", d.name())
        .put("description", d.description())
        .put("version", d.version())
        .put("id", session.workerId())
        .put("runtime", d.runtime())
        .put("os", d.os())
        .put("status", "connected")
        .put("function_count", session.functionIds().size())
        .put("connected_at_ms", session.connectedAtMs())
        .put("active_invocations", session.invocations().size())
        .put("isolation", d.isolation())
        .put("ip_address", session.ipAddress());
  }
}

package dev.iii4j.gateway.builtin;

import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.access.AccessControl;
import dev.iii4j.gateway.invocation.Call;
import dev.iii4j.gateway.invocation.Invoker;
import dev.iii4j.gateway.registry.FunctionDefinition;
import dev.iii4j.gateway.registry.FunctionProvider;
import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.gateway.registry.TriggerEntry;
import dev.iii4j.gateway.registry.TriggerRegistry;
import dev.iii4j.gateway.registry.TriggerTypeProvider;
import dev.iii4j.gateway.registry.WorkerRegistry;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.MessageCodec;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's own functions: introspection ({@code engine::functions::list}, {@code
 * engine::workers::list}, {@code engine::triggers::list}, {@code
 * engine::registered-triggers::list}), {@code engine::workers::register}, the {@code
 * engine::log::*} sinks, and in-engine pub/sub ({@code publish} and the {@code subscribe} trigger
 * type).
 */
@Context
public final class EngineFunctions {

  /** The engine version reported in listings. */
  public static final String ENGINE_VERSION = "0.22.1";

  private static final Logger LOG = LoggerFactory.getLogger(EngineFunctions.class);
  private static final Logger WORKER_LOG = LoggerFactory.getLogger("dev.iii4j.worker");
  private static final String ENGINE_WORKER = "iii-engine-functions";
  private static final String PUBSUB_WORKER = "iii-pubsub";
  private static final int NAME_LIMIT = 280;

  private final FunctionRegistry functions;
  private final TriggerRegistry triggers;
  private final WorkerRegistry workers;
  private final AvailabilityTriggers availability;
  private final FunctionListing listing;
  private final Invoker invoker;
  private final MessageCodec codec;
  private final AccessControl access;
  private final long startedAtMs = System.currentTimeMillis();

  EngineFunctions(
      FunctionRegistry functions,
      TriggerRegistry triggers,
      WorkerRegistry workers,
      AvailabilityTriggers availability,
      FunctionListing listing,
      Invoker invoker,
      MessageCodec codec,
      AccessControl access) {
    this.functions = functions;
    this.triggers = triggers;
    this.workers = workers;
    this.availability = availability;
    this.listing = listing;
    this.invoker = invoker;
    this.codec = codec;
    this.access = access;
    register(
        ENGINE_WORKER, "engine::functions::list", "List registered functions", this::listFunctions);
    register(ENGINE_WORKER, "engine::workers::list", "List connected workers", this::listWorkers);
    register(ENGINE_WORKER, "engine::triggers::list", "List trigger types", this::listTriggerTypes);
    register(
        ENGINE_WORKER,
        "engine::registered-triggers::list",
        "List registered triggers",
        this::listRegisteredTriggers);
    register(
        ENGINE_WORKER,
        "engine::workers::register",
        "Record a worker's runtime metadata",
        this::registerWorker);
    for (String level : List.of("trace", "debug", "info", "warn", "error")) {
      register("iii-observability", "engine::log::" + level, "Log at " + level, c -> log(level, c));
    }
    register(PUBSUB_WORKER, "publish", "Publish data to a topic", this::publish);
    triggers.registerInProcessType(
        "subscribe",
        new TriggerTypeProvider.InProcess(
            "Subscribe to a pub/sub topic", PUBSUB_WORKER, new Subscriptions()));
  }

  private void register(String worker, String id, String description, BuiltinFunction function) {
    functions.registerBuiltin(
        new FunctionProvider.Builtin(
            new FunctionDefinition(id, description, null, null, null), worker, function));
  }

  private JsonNode listFunctions(BuiltinCall call) {
    JsonNode input = call.object();
    boolean includeInternal = call.flag("include_internal");
    String prefix = call.optionalString("prefix");
    String search = call.optionalString("search");
    Set<String> wanted = new HashSet<>();
    String worker = call.optionalString("worker");
    if (worker != null) {
      wanted.add(worker);
    }
    JsonNode many = input.get("workers");
    if (many != null && many.isArray()) {
      for (JsonNode w : many.values()) {
        if (w.isString()) {
          wanted.add(w.getStringValue());
        }
      }
    }
    String needle = search == null || search.isEmpty() ? null : search.toLowerCase(Locale.ROOT);
    List<FunctionRegistry.Pool> rows = new ArrayList<>();
    for (FunctionRegistry.Pool pool : functions.all()) {
      String id = pool.id();
      FunctionDefinition def = pool.definition();
      if (!includeInternal
          && ((id.startsWith("engine::") && !id.startsWith("engine::queue::")) || def.internal())) {
        continue;
      }
      if (prefix != null && !id.startsWith(prefix)) {
        continue;
      }
      if (call.caller() != null && !access.visible(call.caller(), id)) {
        continue;
      }
      if (!wanted.isEmpty() && !wanted.contains(listing.workerName(pool))) {
        continue;
      }
      if (needle != null && searchTier(pool, needle) > 2) {
        continue;
      }
      rows.add(pool);
    }
    Comparator<FunctionRegistry.Pool> order = Comparator.comparing(FunctionRegistry.Pool::id);
    if (needle != null) {
      order =
          Comparator.<FunctionRegistry.Pool>comparingInt(p -> searchTier(p, needle))
              .thenComparing(order);
    }
    rows.sort(order);
    return Json.object().put("functions", Json.array(listing.rows(rows))).build();
  }

  /**
   * 0: id starts with the needle or has a segment equal to it; 1: id contains it; 2: description.
   */
  private static int searchTier(FunctionRegistry.Pool pool, String needle) {
    String id = pool.id().toLowerCase(Locale.ROOT);
    if (id.startsWith(needle) || List.of(id.split("::")).contains(needle)) {
      return 0;
    }
    if (id.contains(needle)) {
      return 1;
    }
    String description = pool.definition().description();
    if (description != null && description.toLowerCase(Locale.ROOT).contains(needle)) {
      return 2;
    }
    return 3;
  }

  private JsonNode listWorkers(BuiltinCall call) {
    call.object();
    String runtime = call.optionalString("runtime");
    String status = call.optionalString("status");
    String search = call.optionalString("search");
    List<JsonNode> rows = new ArrayList<>();
    for (String inProcess : List.of(ENGINE_WORKER, PUBSUB_WORKER)) {
      long count =
          functions.all().stream()
              .filter(
                  p ->
                      p.members().stream()
                          .anyMatch(
                              m ->
                                  m instanceof FunctionProvider.Builtin b
                                      && b.workerName().equals(inProcess)))
              .count();
      rows.add(
          Json.object()
              .put("name", inProcess)
              .put(
                  "description",
                  inProcess.equals(PUBSUB_WORKER)
                      ? "In-engine pub/sub"
                      : "Core engine introspection (engine::*)")
              .put("version", ENGINE_VERSION)
              .put("id", inProcess)
              .put("runtime", "engine")
              .put("os", (String) null)
              .put("status", "available")
              .put("function_count", count)
              .put("connected_at_ms", startedAtMs)
              .put("active_invocations", 0)
              .put("isolation", "in-process")
              .put("ip_address", (String) null)
              .build());
    }
    for (WorkerSession session : workers.all()) {
      WorkerSession.Description d = session.description();
      if (d.pid() == null) {
        continue;
      }
      rows.add(
          Json.object()
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
              .put("ip_address", session.ipAddress())
              .build());
    }
    List<JsonNode> filtered =
        rows.stream()
            .filter(r -> runtime == null || runtime.equals(text(r, "runtime")))
            .filter(r -> status == null || status.equals(text(r, "status")))
            .filter(
                r ->
                    search == null
                        || (text(r, "name") != null
                            && text(r, "name")
                                .toLowerCase(Locale.ROOT)
                                .contains(search.toLowerCase(Locale.ROOT))))
            .sorted(
                Comparator.comparing(
                        (JsonNode r) -> text(r, "name") != null ? text(r, "name") : text(r, "id"))
                    .thenComparing(r -> text(r, "id")))
            .toList();
    return Json.object().put("workers", Json.array(filtered)).build();
  }

  private JsonNode listTriggerTypes(BuiltinCall call) {
    call.object();
    boolean includeInternal = call.flag("include_internal");
    String prefix = call.optionalString("prefix");
    String worker = call.optionalString("worker");
    String search = call.optionalString("search");
    Map<String, JsonNode> rows = new TreeMap<>();
    for (TriggerRegistry.TypeView type : triggers.types()) {
      if (!includeInternal && type.id().startsWith("engine::")) {
        continue;
      }
      if (prefix != null && !type.id().startsWith(prefix)) {
        continue;
      }
      String workerName = triggerTypeWorkerName(type);
      if (worker != null && !worker.equals(workerName)) {
        continue;
      }
      if (search != null && !search.isEmpty()) {
        String needle = search.toLowerCase(Locale.ROOT);
        if (!type.id().toLowerCase(Locale.ROOT).contains(needle)
            && !type.description().toLowerCase(Locale.ROOT).contains(needle)) {
          continue;
        }
      }
      rows.put(
          type.id(),
          Json.object()
              .put("id", type.id())
              .put("worker_name", workerName)
              .put("description", type.description())
              .build());
    }
    return Json.object().put("triggers", Json.array(rows.values())).build();
  }

  private static String triggerTypeWorkerName(TriggerRegistry.TypeView type) {
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
          case "state" -> "iii-state";
          case "stream", "stream:join", "stream:leave" -> "iii-stream";
          case "durable:subscriber" -> "queue";
          default -> FunctionListing.firstSegment(type.id());
        };
      }
    };
  }

  private JsonNode listRegisteredTriggers(BuiltinCall call) {
    call.object();
    boolean includeInternal = call.flag("include_internal");
    String type = call.optionalString("trigger_type");
    String functionId = call.optionalString("function_id");
    String worker = call.optionalString("worker");
    String search = call.optionalString("search");
    List<JsonNode> rows = new ArrayList<>();
    List<TriggerEntry> live = new ArrayList<>(triggers.allLive());
    live.sort(Comparator.comparing(TriggerEntry::id));
    for (TriggerEntry trigger : live) {
      if (!includeInternal && trigger.functionId().startsWith("engine::")) {
        continue;
      }
      if (type != null && !type.equals(trigger.triggerType())) {
        continue;
      }
      if (functionId != null && !functionId.equals(trigger.functionId())) {
        continue;
      }
      FunctionRegistry.Pool pool = functions.get(trigger.functionId());
      String workerName =
          pool != null
              ? listing.workerName(pool)
              : FunctionListing.firstSegment(trigger.functionId());
      if (worker != null && !worker.equals(workerName)) {
        continue;
      }
      if (search != null
          && !search.isEmpty()
          && !(trigger.id().contains(search)
              || trigger.triggerType().contains(search)
              || trigger.functionId().contains(search))) {
        continue;
      }
      String summary = trigger.config() == null ? "null" : codec.writeJson(trigger.config());
      if (summary.codePointCount(0, summary.length()) > 80) {
        summary = summary.substring(0, summary.offsetByCodePoints(0, 80)) + "…";
      }
      rows.add(
          Json.object()
              .put("id", trigger.id())
              .put("trigger_type", trigger.triggerType())
              .put("function_id", trigger.functionId())
              .put("worker_name", workerName)
              .put("config", trigger.config())
              .put("config_summary", summary)
              .build());
    }
    return Json.object().put("registered_triggers", Json.array(rows)).build();
  }

  private JsonNode registerWorker(BuiltinCall call) {
    String workerId = call.requiredString("_caller_worker_id");
    WorkerSession session = workers.get(workerId);
    if (session != null) {
      JsonNode input = call.object();
      WorkerSession.Description old = session.description();
      JsonNode pidNode = input.get("pid");
      Long pid = old.pid();
      if (pidNode != null && pidNode.isNumber()) {
        Number n = pidNode.getNumberValue();
        if (n.doubleValue() == Math.rint(n.doubleValue())) {
          pid = n.longValue();
        }
      }
      String runtime = call.optionalString("runtime");
      session.describe(
          new WorkerSession.Description(
              orElse(clean(call.optionalString("name")), old.name()),
              orElse(clean(call.optionalString("description")), old.description()),
              call.optionalString("version"),
              runtime == null ? "unknown" : runtime,
              orElse(call.optionalString("os"), old.os()),
              pid,
              orElse(call.optionalString("isolation"), old.isolation()),
              input.get("telemetry")));
      LOG.info(
          "worker {} registered: runtime={} version={} pid={}",
          session,
          runtime,
          call.optionalString("version"),
          pid);
      availability.workerUpdated(workerId);
    }
    return Json.object().put("success", true).build();
  }

  private static @Nullable String orElse(@Nullable String value, @Nullable String fallback) {
    return value != null ? value : fallback;
  }

  /** Strips control and bidi characters, cuts to 280 characters, trims; empty gives null. */
  static @Nullable String clean(@Nullable String value) {
    if (value == null) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .filter(cp -> !Character.isISOControl(cp))
        .filter(cp -> !(cp >= 0x202A && cp <= 0x202E) && !(cp >= 0x2066 && cp <= 0x2069))
        .filter(cp -> cp != 0x2028 && cp != 0x2029 && cp != 0x200E && cp != 0x200F)
        .limit(NAME_LIMIT)
        .forEach(out::appendCodePoint);
    String trimmed = out.toString().trim();
    return trimmed.isEmpty() ? null : trimmed;
  }

  private @Nullable JsonNode log(String level, BuiltinCall call) {
    String message = call.requiredString("message");
    JsonNode data = call.object().get("data");
    String worker = call.caller() == null ? "engine" : call.caller().toString();
    String line = data == null ? message : message + " " + codec.writeJson(data);
    switch (level) {
      case "error" -> WORKER_LOG.error("[{}] {}", worker, line);
      case "warn" -> WORKER_LOG.warn("[{}] {}", worker, line);
      case "info" -> WORKER_LOG.info("[{}] {}", worker, line);
      case "debug" -> WORKER_LOG.debug("[{}] {}", worker, line);
      default -> WORKER_LOG.trace("[{}] {}", worker, line);
    }
    return null;
  }

  private @Nullable JsonNode publish(BuiltinCall call) {
    String topic = call.requiredString("topic");
    if (call.object().get("data") == null) {
      throw BuiltinException.deserialization(call.functionId(), "missing field `data`");
    }
    if (topic.isEmpty()) {
      throw new BuiltinException(ErrorCode.TOPIC_NOT_SET, "Topic is not set");
    }
    JsonNode data = call.object().get("data");
    JsonNode payload = data == null || data.isNull() ? null : data;
    for (TriggerEntry subscription : triggers.live("subscribe")) {
      if (!topic.equals(Subscriptions.topic(subscription))) {
        continue;
      }
      // Fire-and-forget, each subscription on its own: the publisher never waits for handlers.
      invoker
          .invoke(Call.internal(subscription.functionId(), payload, null))
          .thenAccept(
              outcome -> {
                if (outcome.failed()) {
                  LOG.debug(
                      "subscriber {} of topic {} failed: {}",
                      subscription.functionId(),
                      topic,
                      outcome.error());
                }
              });
    }
    return null;
  }

  private static @Nullable String text(JsonNode row, String key) {
    JsonNode value = row.get(key);
    return value != null && value.isString() ? value.getStringValue() : null;
  }

  /** Per-trigger subscriptions: removing one binding leaves the others on its topic intact. */
  private static final class Subscriptions implements InProcessTriggerType {
    static @Nullable String topic(TriggerEntry trigger) {
      JsonNode config = trigger.config();
      JsonNode topic = config != null && config.isObject() ? config.get("topic") : null;
      return topic != null && topic.isString() ? topic.getStringValue() : null;
    }

    @Override
    public void register(TriggerEntry trigger) {
      String topic = topic(trigger);
      if (topic == null || topic.isEmpty()) {
        LOG.warn(
            "subscribe trigger {} for {} has no topic; it will never fire",
            trigger.id(),
            trigger.functionId());
      }
    }
  }
}

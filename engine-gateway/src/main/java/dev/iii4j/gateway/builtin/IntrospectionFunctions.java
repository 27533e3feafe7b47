package dev.iii4j.gateway.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.access.AccessControl;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.gateway.registry.BuiltinCall;
import dev.iii4j.gateway.registry.BuiltinException;
import dev.iii4j.gateway.registry.BuiltinFunction;
import dev.iii4j.gateway.registry.FunctionDefinition;
import dev.iii4j.gateway.registry.FunctionProvider;
import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.gateway.registry.TriggerEntry;
import dev.iii4j.gateway.registry.TriggerRegistry;
import dev.iii4j.gateway.registry.WorkerRegistry;
import dev.iii4j.protocol.ErrorCode;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The read-only introspection functions of {@code iii-engine-functions} (spec 4.1 to 4.4): {@code
 * engine::functions::list|info}, {@code engine::workers::list|info}, {@code
 * engine::triggers::list|info} and {@code engine::registered-triggers::list|info}.
 *
 * <p>Every function runs on a virtual thread of the {@code Invoker} and reads snapshots of the
 * registries; answers may be slightly stale under concurrent registration, never inconsistent in
 * shape. Errors: {@code deserialization_error} for input that does not decode, {@code
 * INVALID_ARGUMENTS} and {@code NOT_FOUND} as 4.4 lists them.
 */
@Context
@Requires(property = GatewayProperties.ENABLED, notEquals = "false")
public final class IntrospectionFunctions {

  /** The largest {@code function_ids} batch {@code engine::functions::info} accepts. */
  public static final int FUNCTION_INFO_BATCH_MAX = 32;

  private final FunctionRegistry functions;
  private final TriggerRegistry triggers;
  private final WorkerRegistry workers;
  private final FunctionListing listing;
  private final Introspection introspection;
  private final AccessControl access;

  IntrospectionFunctions(
      FunctionRegistry functions,
      TriggerRegistry triggers,
      WorkerRegistry workers,
      FunctionListing listing,
      Introspection introspection,
      AccessControl access) {
    this.functions = functions;
    this.access = access;
    this.triggers = triggers;
    this.workers = workers;
    this.listing = listing;
    this.introspection = introspection;
    register("engine::functions::list", "List registered functions", this::listFunctions);
    register(
        "engine::functions::info",
        "Inspect functions: schemas, owner, and registered triggers",
        this::functionInfo);
    register("engine::workers::list", "List connected workers", this::listWorkers);
    register(
        "engine::workers::info",
        "Inspect a worker: its functions, trigger types and registered triggers",
        this::workerInfo);
    register("engine::triggers::list", "List trigger types", this::listTriggerTypes);
    register("engine::triggers::info", "Inspect a trigger type", this::triggerTypeInfo);
    register(
        "engine::registered-triggers::list",
        "List registered triggers",
        this::listRegisteredTriggers);
    register(
        "engine::registered-triggers::info",
        "Inspect a registered trigger with its type and target function",
        this::registeredTriggerInfo);
  }

  private void register(String id, String description, BuiltinFunction function) {
    functions.registerBuiltin(
        new FunctionProvider.Builtin(
            new FunctionDefinition(id, description, null, null, null),
            InProcessWorker.ENGINE_FUNCTIONS.workerName(),
            function));
  }

  /** On an RBAC listener, callers see only what they may call (spec 3.16). */
  private Predicate<String> visibleTo(BuiltinCall call) {
    WorkerSession caller = call.caller();
    return id -> caller == null || access.visible(caller, id);
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
      for (JsonNode w : many) {
        if (w.isTextual()) {
          wanted.add(w.textValue());
        }
      }
    }
    Predicate<String> visible = visibleTo(call);
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
      if (!wanted.isEmpty() && !wanted.contains(listing.workerName(pool))) {
        continue;
      }
      if (needle != null && searchTier(pool, needle) > 2) {
        continue;
      }
      if (!visible.test(id)) {
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

  private JsonNode functionInfo(BuiltinCall call) {
    String single = call.optionalString("function_id");
    List<String> batch = call.optionalStrings("function_ids");
    if (single != null && batch != null) {
      throw new BuiltinException(
          ErrorCode.INVALID_ARGUMENTS, "pass either `function_id` or `function_ids`, not both");
    }
    if (single == null && batch == null) {
      throw new BuiltinException(
          ErrorCode.INVALID_ARGUMENTS,
          "missing field `function_id` (or `function_ids` for a batch)");
    }
    Predicate<String> visible = visibleTo(call);
    if (single != null) {
      if (!visible.test(single)) {
        throw new BuiltinException(
            ErrorCode.FORBIDDEN, "Function '" + single + "' is not visible to this session.");
      }
      JsonNode detail = introspection.functionDetail(single);
      if (detail == null) {
        throw new BuiltinException(
            ErrorCode.NOT_FOUND, "Function '" + single + "' is not registered.");
      }
      return detail;
    }
    Set<String> ids = new LinkedHashSet<>(batch);
    if (ids.isEmpty()) {
      throw new BuiltinException(
          ErrorCode.INVALID_ARGUMENTS, "`function_ids` must be a non-empty array of function ids");
    }
    if (ids.size() > FUNCTION_INFO_BATCH_MAX) {
      throw new BuiltinException(
          ErrorCode.INVALID_ARGUMENTS,
          "too many function_ids (max " + FUNCTION_INFO_BATCH_MAX + ")");
    }
    List<JsonNode> entries = new ArrayList<>();
    for (String id : ids) {
      JsonNode detail = visible.test(id) ? introspection.functionDetail(id) : null;
      if (detail != null) {
        entries.add(detail);
      } else {
        entries.add(
            Json.object()
                .put("function_id", id)
                .put("error", visible.test(id) ? "not_found" : "forbidden")
                .build());
      }
    }
    return Json.object().put("functions", Json.array(entries)).build();
  }

  private JsonNode listWorkers(BuiltinCall call) {
    call.object();
    String runtime = call.optionalString("runtime");
    String status = call.optionalString("status");
    String search = call.optionalString("search");
    List<JsonNode> rows = new ArrayList<>();
    for (InProcessWorker worker : InProcessWorker.values()) {
      rows.add(introspection.workerSummary(worker).build());
    }
    for (WorkerSession session : workers.all()) {
      // The reference lists a connection only once it reported a pid (spec 4.2).
      if (session.description().pid() != null) {
        rows.add(introspection.workerSummary(session).build());
      }
    }
    String needle = search == null ? null : search.toLowerCase(Locale.ROOT);
    List<JsonNode> filtered =
        rows.stream()
            .filter(r -> runtime == null || runtime.equals(text(r, "runtime")))
            .filter(r -> status == null || status.equals(text(r, "status")))
            .filter(
                r ->
                    needle == null
                        || (text(r, "name") != null
                            && text(r, "name").toLowerCase(Locale.ROOT).contains(needle)))
            .sorted(
                Comparator.comparing(
                        (JsonNode r) -> text(r, "name") != null ? text(r, "name") : text(r, "id"))
                    .thenComparing(r -> text(r, "id")))
            .toList();
    return Json.object().put("workers", Json.array(filtered)).build();
  }

  private JsonNode workerInfo(BuiltinCall call) {
    String name = call.requiredString("name");
    Json worker;
    List<FunctionRegistry.Pool> owned;
    InProcessWorker inProcess = InProcessWorker.named(name).orElse(null);
    if (inProcess != null) {
      worker = introspection.workerSummary(inProcess).put("internal", inProcess.mandatory());
      owned = introspection.functionsOf(inProcess);
    } else {
      // Names are self-reported and may repeat; the newest connection answers.
      WorkerSession session =
          workers.all().stream()
              .filter(s -> name.equals(s.name()))
              .max(Comparator.comparingLong(WorkerSession::connectedAtMs))
              .orElseThrow(
                  () ->
                      new BuiltinException(
                          ErrorCode.NOT_FOUND, "Worker '" + name + "' is not connected."));
      worker =
          introspection
              .workerSummary(session)
              .putIfPresent("pid", session.description().pid())
              .put("internal", false);
      owned = new ArrayList<>();
      for (String id : session.functionIds()) {
        FunctionRegistry.Pool pool = functions.get(id);
        if (pool != null) {
          owned.add(pool);
        }
      }
    }
    List<FunctionRegistry.Pool> sorted =
        owned.stream().sorted(Comparator.comparing(FunctionRegistry.Pool::id)).toList();
    Set<String> ownedIds = new HashSet<>();
    sorted.forEach(p -> ownedIds.add(p.id()));
    List<JsonNode> types =
        triggers.types().stream()
            .filter(t -> name.equals(introspection.triggerTypeWorkerName(t)))
            .sorted(Comparator.comparing(TriggerRegistry.TypeView::id))
            .map(introspection::triggerTypeSummary)
            .toList();
    List<JsonNode> bound =
        triggers.allLive().stream()
            .filter(t -> ownedIds.contains(t.functionId()))
            .sorted(Comparator.comparing(TriggerEntry::id))
            .map(introspection::registeredTriggerRow)
            .toList();
    return Json.object()
        .put("worker", worker.build())
        .put("functions", Json.array(listing.rows(sorted)))
        .put("trigger_types", Json.array(types))
        .put("registered_triggers", Json.array(bound))
        .build();
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
      if (worker != null && !worker.equals(introspection.triggerTypeWorkerName(type))) {
        continue;
      }
      if (search != null && !search.isEmpty()) {
        String needle = search.toLowerCase(Locale.ROOT);
        if (!type.id().toLowerCase(Locale.ROOT).contains(needle)
            && !type.description().toLowerCase(Locale.ROOT).contains(needle)) {
          continue;
        }
      }
      rows.put(type.id(), introspection.triggerTypeSummary(type));
    }
    return Json.object().put("triggers", Json.array(rows.values())).build();
  }

  private JsonNode triggerTypeInfo(BuiltinCall call) {
    String id = call.requiredString("id");
    JsonNode detail = introspection.triggerTypeDetail(id);
    if (detail == null) {
      throw new BuiltinException(
          ErrorCode.NOT_FOUND, "Trigger type '" + id + "' is not registered.");
    }
    return detail;
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
      if (worker != null
          && !worker.equals(introspection.functionWorkerName(trigger.functionId()))) {
        continue;
      }
      if (search != null
          && !search.isEmpty()
          && !(trigger.id().contains(search)
              || trigger.triggerType().contains(search)
              || trigger.functionId().contains(search))) {
        continue;
      }
      rows.add(introspection.registeredTriggerRow(trigger));
    }
    return Json.object().put("registered_triggers", Json.array(rows)).build();
  }

  private JsonNode registeredTriggerInfo(BuiltinCall call) {
    String id = call.requiredString("id");
    TriggerEntry trigger =
        triggers
            .find(id)
            .filter(TriggerEntry::live)
            .orElseThrow(
                () ->
                    new BuiltinException(
                        ErrorCode.NOT_FOUND, "Registered trigger '" + id + "' was not found."));
    return Json.object()
        .put("id", trigger.id())
        .put("trigger_type", trigger.triggerType())
        .put("function_id", trigger.functionId())
        .put("worker_name", introspection.functionWorkerName(trigger.functionId()))
        .put("config", trigger.config())
        .putIfPresent("metadata", trigger.metadata())
        .put("trigger", introspection.triggerTypeDetail(trigger.triggerType()))
        .put("function", introspection.functionDetail(trigger.functionId()))
        .build();
  }

  private static @Nullable String text(JsonNode row, String key) {
    JsonNode value = row.get(key);
    return value != null && value.isTextual() ? value.textValue() : null;
  }
}

package dev.iii4j.gateway.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.invocation.Call;
import dev.iii4j.gateway.invocation.Invoker;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.gateway.registry.BuiltinCall;
import dev.iii4j.gateway.registry.BuiltinException;
import dev.iii4j.gateway.registry.BuiltinFunction;
import dev.iii4j.gateway.registry.FunctionDefinition;
import dev.iii4j.gateway.registry.FunctionProvider;
import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.gateway.registry.InProcessTriggerType;
import dev.iii4j.gateway.registry.TriggerEntry;
import dev.iii4j.gateway.registry.TriggerRegistry;
import dev.iii4j.gateway.registry.TriggerTypeProvider;
import dev.iii4j.gateway.registry.WorkerRegistry;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.MessageCodec;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's own functions other than introspection ({@link IntrospectionFunctions}), trigger
 * registration ({@link TriggerFunctions}) and baggage ({@link BaggageFunctions}): {@code
 * engine::workers::register}, the {@code engine::log::*} sinks, and in-engine pub/sub ({@code
 * publish} and the {@code subscribe} trigger type).
 */
@Context
@Requires(property = GatewayProperties.ENABLED, notEquals = "false")
public final class EngineFunctions {

  private static final Logger LOG = LoggerFactory.getLogger(EngineFunctions.class);
  private static final Logger WORKER_LOG = LoggerFactory.getLogger("dev.iii4j.worker");
  private static final int NAME_LIMIT = 280;

  private final TriggerRegistry triggers;
  private final WorkerRegistry workers;
  private final AvailabilityTriggers availability;
  private final Invoker invoker;
  private final MessageCodec codec;

  EngineFunctions(
      FunctionRegistry functions,
      TriggerRegistry triggers,
      WorkerRegistry workers,
      AvailabilityTriggers availability,
      Invoker invoker,
      MessageCodec codec) {
    this.triggers = triggers;
    this.workers = workers;
    this.availability = availability;
    this.invoker = invoker;
    this.codec = codec;
    register(
        functions,
        InProcessWorker.ENGINE_FUNCTIONS,
        "engine::workers::register",
        "Record a worker's runtime metadata",
        this::registerWorker);
    for (String level : List.of("trace", "debug", "info", "warn", "error")) {
      register(
          functions,
          InProcessWorker.OBSERVABILITY,
          "engine::log::" + level,
          "Log at " + level,
          c -> log(level, c));
    }
    register(
        functions, InProcessWorker.PUBSUB, "publish", "Publish data to a topic", this::publish);
    triggers.registerInProcessType(
        "subscribe",
        new TriggerTypeProvider.InProcess(
            "Subscribe to a pub/sub topic",
            InProcessWorker.PUBSUB.workerName(),
            new Subscriptions()));
  }

  private static void register(
      FunctionRegistry functions,
      InProcessWorker worker,
      String id,
      String description,
      BuiltinFunction function) {
    functions.registerBuiltin(
        new FunctionProvider.Builtin(
            new FunctionDefinition(id, description, null, null, null),
            worker.workerName(),
            function));
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
        Number n = pidNode.numberValue();
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

  /** Per-trigger subscriptions: removing one binding leaves the others on its topic intact. */
  private static final class Subscriptions implements InProcessTriggerType {
    static @Nullable String topic(TriggerEntry trigger) {
      JsonNode config = trigger.config();
      JsonNode topic = config != null && config.isObject() ? config.get("topic") : null;
      return topic != null && topic.isTextual() ? topic.textValue() : null;
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

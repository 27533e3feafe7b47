package dev.iii4j.gateway.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.gateway.config.GatewayProperties;
import dev.iii4j.gateway.invocation.Call;
import dev.iii4j.gateway.invocation.Invoker;
import dev.iii4j.gateway.json.Json;
import dev.iii4j.gateway.registry.FunctionRegistry;
import dev.iii4j.gateway.registry.InProcessTriggerType;
import dev.iii4j.gateway.registry.TriggerEntry;
import dev.iii4j.gateway.registry.TriggerRegistry;
import dev.iii4j.gateway.registry.TriggerTypeProvider;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process trigger types {@code engine::workers-available} (fired on connect, disconnect and
 * metadata updates) and {@code engine::functions-available} (fired when the set of function ids
 * differs from the last one seen: looked at right after each registration and unregistration, and
 * by a periodic poll). Fires are engine-internal calls whose results are ignored.
 */
@Context
@Requires(property = GatewayProperties.ENABLED, notEquals = "false")
public final class AvailabilityTriggers {

  /** The workers trigger type id. */
  public static final String WORKERS = "engine::workers-available";

  /** The functions trigger type id. */
  public static final String FUNCTIONS = "engine::functions-available";

  private static final Logger LOG = LoggerFactory.getLogger(AvailabilityTriggers.class);

  private final TriggerRegistry triggers;
  private final FunctionRegistry functions;
  private final Invoker invoker;
  private final FunctionListing listing;
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("functions-available").daemon().factory());
  private volatile Set<String> lastFunctionIds;

  AvailabilityTriggers(
      TriggerRegistry triggers,
      FunctionRegistry functions,
      Invoker invoker,
      FunctionListing listing,
      GatewayProperties properties) {
    this.triggers = triggers;
    this.functions = functions;
    this.invoker = invoker;
    this.listing = listing;
    triggers.registerInProcessType(
        WORKERS,
        new TriggerTypeProvider.InProcess(
            "Fires when workers connect, disconnect or update their metadata",
            InProcessWorker.ENGINE_FUNCTIONS.workerName(),
            new InProcessTriggerType() {}));
    triggers.registerInProcessType(
        FUNCTIONS,
        new TriggerTypeProvider.InProcess(
            "Fires when the set of registered functions changes",
            InProcessWorker.ENGINE_FUNCTIONS.workerName(),
            new InProcessTriggerType() {}));
    this.lastFunctionIds = functionIds();
    long period = Math.max(100, properties.functionsPollInterval().toMillis());
    poller.scheduleWithFixedDelay(this::pollFunctions, period, period, TimeUnit.MILLISECONDS);
  }

  /** A worker connected. */
  public void workerConnected(String workerId) {
    fireWorkers("worker_connected", workerId);
  }

  /** A worker's cleanup finished. */
  public void workerDisconnected(String workerId) {
    fireWorkers("worker_disconnected", workerId);
  }

  /** A worker reported metadata through {@code engine::workers::register}. */
  public void workerUpdated(String workerId) {
    fireWorkers("worker_metadata_updated", workerId);
  }

  private void fireWorkers(String event, String workerId) {
    fire(WORKERS, Json.object().put("event", event).put("worker_id", workerId).build());
  }

  /**
   * The set of functions may have changed (a registration or an unregistration was just applied):
   * looks at once, on the caller's thread, instead of waiting for the next poll. A worker bound to
   * {@code engine::functions-available} thus gets the event queued on its connection before
   * anything the registration's effects could cause, which is what lets the stream service keep a
   * local view of the custom storage functions. With nothing bound to it this costs nothing (the
   * poll keeps the last set up to date): comparing every function id on every registration made a
   * gateway with 10,000 functions register them six times slower (bench B8).
   */
  public void functionsChanged() {
    if (!triggers.live(FUNCTIONS).isEmpty()) {
      pollFunctions();
    }
  }

  private synchronized void pollFunctions() {
    try {
      Set<String> now = functionIds();
      if (!now.equals(lastFunctionIds)) {
        lastFunctionIds = now;
        fire(
            FUNCTIONS,
            Json.object()
                .put("event", "functions_changed")
                .put("functions", Json.array(listing.rows(functions.all())))
                .build());
      }
    } catch (RuntimeException e) {
      LOG.warn("functions-available poll failed", e);
    }
  }

  private Set<String> functionIds() {
    return functions.all().stream().map(FunctionRegistry.Pool::id).collect(Collectors.toSet());
  }

  private void fire(String type, JsonNode payload) {
    List<TriggerEntry> bound = triggers.live(type);
    for (TriggerEntry trigger : bound) {
      invoker
          .invoke(Call.internal(trigger.functionId(), payload, trigger.metadata()))
          .thenAccept(
              outcome -> {
                if (outcome.failed()) {
                  LOG.debug(
                      "{} trigger {} -> {} failed: {}",
                      type,
                      trigger.id(),
                      trigger.functionId(),
                      outcome.error());
                }
              });
    }
  }

  @PreDestroy
  void stop() {
    poller.shutdownNow();
  }
}

package dev.iii4j.service.outbox;

import dev.iii4j.sdk.BindingTable;
import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.service.CallFailure;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events through the gateway with {@link BindingTable#fire}: the condition function first
 * (false or an error skips the target), then the handler with the trigger's metadata, awaited. Both
 * calls carry the writer's trace context ({@link EventTrace}), so the handler's span belongs to the
 * trace of the call that made the change.
 *
 * <p>Retried by the dispatcher ({@link CallFailure} classification): {@link
 * CallFailure.Kind#UNREACHABLE} (no connection, {@code function_not_found}, {@code
 * engine_shutting_down}, {@code invocation_stopped}), and a timeout while the connection is down.
 * Anything else (the handler failed, or timed out on a live connection) is logged and not retried,
 * as in the reference.
 *
 * @param <E> the service's event type
 */
public final class TriggerEventSink<E> implements EventSink<E> {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerEventSink.class);

  private final EngineWorker worker;
  private final BindingTable table;
  private final String triggerType;
  private final Function<E, JsonNode> payload;
  private final Function<E, String> describe;

  /**
   * A sink for triggers of {@code triggerType} held in {@code table}; {@code payload} is what the
   * handler receives, {@code describe} names an event in logs.
   */
  public TriggerEventSink(
      EngineWorker worker,
      BindingTable table,
      String triggerType,
      Function<E, JsonNode> payload,
      Function<E, String> describe) {
    this.worker = worker;
    this.table = table;
    this.triggerType = triggerType;
    this.payload = payload;
    this.describe = describe;
  }

  @Override
  public boolean ready() {
    return worker.isConnected();
  }

  @Override
  public Result deliver(E event, @Nullable EventTrace trace, EventTarget target) {
    if (!worker.isConnected()) {
      return Result.UNREACHABLE;
    }
    TriggerBinding binding =
        new TriggerBinding(
            target.triggerId(),
            triggerType,
            target.functionId(),
            SerdeTrees.sdk(target.config()),
            SerdeTrees.sdk(target.metadata()));
    try {
      table
          .fire(
              worker,
              binding,
              SerdeTrees.raw(payload.apply(event)),
              EventTrace.continuing(CallOptions.defaults(), trace))
          .get();
      return Result.DONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.UNREACHABLE;
    } catch (ExecutionException e) {
      CallFailure failure = CallFailure.classify(e);
      boolean unreachable =
          switch (failure.kind()) {
            case UNREACHABLE -> true;
            case TIMEOUT -> !worker.isConnected();
            case HANDLER, PROTOCOL, INTERNAL -> false;
          };
      if (unreachable) {
        LOG.debug(
            "trigger {} -> {} unreachable: {}",
            target.triggerId(),
            target.functionId(),
            failure.message());
        return Result.UNREACHABLE;
      }
      LOG.warn(
          "{} trigger {} -> {} failed for {}; not retried",
          triggerType,
          target.triggerId(),
          target.functionId(),
          describe.apply(event),
          e.getCause());
      return Result.DONE;
    }
  }
}

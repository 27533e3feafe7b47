package dev.iii4j.stream.functions;

import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.sdk.WorkerException;
import dev.iii4j.stream.EventSink;
import dev.iii4j.stream.EventTarget;
import dev.iii4j.stream.StreamMessage;
import dev.iii4j.stream.StreamService;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers {@code stream} trigger events through the gateway with {@link
 * dev.iii4j.sdk.BindingTable#fire}: the condition function first (false or an error skips the
 * target), then the handler with the trigger's metadata, awaited.
 *
 * <p>Unreachable, and retried by the dispatcher: no gateway connection, {@code function_not_found},
 * {@code engine_shutting_down}, {@code invocation_stopped}, and a timeout while the connection is
 * down. Anything else (the handler failed) is logged and not retried, as in the reference.
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
final class TriggerEventSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerEventSink.class);
  private static final Set<String> UNREACHABLE_CODES =
      Set.of(
          ErrorCode.FUNCTION_NOT_FOUND.wire(),
          ErrorCode.ENGINE_SHUTTING_DOWN.wire(),
          ErrorCode.INVOCATION_STOPPED.wire());

  private final EngineWorker worker;
  private final StreamTriggers triggers;

  TriggerEventSink(EngineWorker worker, StreamTriggers triggers) {
    this.worker = worker;
    this.triggers = triggers;
  }

  @Override
  public boolean ready() {
    return worker.isConnected();
  }

  @Override
  public Result deliver(StreamMessage message, EventTarget target) {
    if (!worker.isConnected()) {
      return Result.UNREACHABLE;
    }
    TriggerBinding binding =
        new TriggerBinding(
            target.triggerId(),
            StreamTriggers.TYPE,
            target.functionId(),
            target.config(),
            target.metadata());
    try {
      triggers.table().fire(worker, binding, message.toJson()).get();
      return Result.DONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.UNREACHABLE;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      boolean unreachable =
          switch (cause) {
            case WorkerException.NotConnected n -> true;
            case WorkerException.Timeout t -> !worker.isConnected();
            case WorkerException.Remote r -> UNREACHABLE_CODES.contains(r.code());
            default -> false;
          };
      if (unreachable) {
        LOG.debug(
            "trigger {} -> {} unreachable: {}",
            target.triggerId(),
            target.functionId(),
            cause.getMessage());
        return Result.UNREACHABLE;
      }
      LOG.warn(
          "stream trigger {} -> {} failed for {} {}/{}/{}; not retried",
          target.triggerId(),
          target.functionId(),
          message.eventType(),
          message.streamName(),
          message.groupId(),
          message.id(),
          cause);
      return Result.DONE;
    }
  }
}

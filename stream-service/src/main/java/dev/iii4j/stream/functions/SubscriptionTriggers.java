package dev.iii4j.stream.functions;

import dev.iii4j.sdk.BindingTable;
import dev.iii4j.sdk.CallOptions;
import dev.iii4j.sdk.EngineWorker;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.service.SerdeTrees;
import dev.iii4j.stream.StreamService;
import dev.iii4j.stream.SubscriptionEvent;
import dev.iii4j.stream.SubscriptionHooks;
import dev.iii4j.stream.config.StreamProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code stream:join} and {@code stream:leave} trigger types (no config filters; every binding
 * fires for every subscription of every stream). Each trigger's function is called with the {@link
 * SubscriptionEvent#payload()} and the trigger's metadata, one trigger after another, each waited
 * for at most {@code hook-timeout}. A join trigger that answers {@code {"unauthorized": true}}
 * refuses the subscription; any other answer, or an error (logged), lets it through.
 */
@Singleton
@Requires(env = StreamService.ENVIRONMENT)
public final class SubscriptionTriggers implements SubscriptionHooks {
  /** The join trigger type id. */
  public static final String JOIN = "stream:join";

  /** The leave trigger type id. */
  public static final String LEAVE = "stream:leave";

  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionTriggers.class);

  private final BindingTable joins = new BindingTable();
  private final BindingTable leaves = new BindingTable();
  private final EngineWorker worker;
  private final Duration timeout;

  SubscriptionTriggers(EngineWorker worker, StreamProperties properties) {
    this.worker = worker;
    this.timeout = properties.hookTimeout();
  }

  /** The bindings of {@code stream:join}. */
  public BindingTable joins() {
    return joins;
  }

  /** The bindings of {@code stream:leave}. */
  public BindingTable leaves() {
    return leaves;
  }

  @Override
  public boolean join(SubscriptionEvent event) {
    boolean authorized = true;
    for (TriggerBinding binding : sorted(joins)) {
      JsonNode answer = call(binding, event);
      if (answer != null && answer.isObject()) {
        JsonNode unauthorized = answer.get("unauthorized");
        if (unauthorized != null && unauthorized.isBoolean()) {
          if (unauthorized.getBooleanValue()) {
            authorized = false;
          }
        } else {
          LOG.warn(
              "join trigger {} -> {} answered without a boolean `unauthorized`; not refusing",
              binding.id(),
              binding.functionId());
        }
      }
    }
    return authorized;
  }

  @Override
  public void leave(SubscriptionEvent event) {
    for (TriggerBinding binding : sorted(leaves)) {
      call(binding, event);
    }
  }

  private JsonNode call(TriggerBinding binding, SubscriptionEvent event) {
    try {
      return SerdeTrees.serde(
          worker
              .call(
                  binding.functionId(),
                  SerdeTrees.sdk(event.payload()),
                  CallOptions.defaults().withMetadata(binding.metadata()).withTimeout(timeout))
              .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      LOG.warn(
          "{} trigger {} -> {} failed for subscription {} ({}/{}): {}",
          binding.triggerType(),
          binding.id(),
          binding.functionId(),
          event.subscriptionId(),
          event.streamName(),
          event.groupId(),
          cause.toString());
      return null;
    }
  }

  private static List<TriggerBinding> sorted(BindingTable table) {
    List<TriggerBinding> bindings = new ArrayList<>(table.bindings());
    bindings.sort(Comparator.comparing(TriggerBinding::id));
    return bindings;
  }
}

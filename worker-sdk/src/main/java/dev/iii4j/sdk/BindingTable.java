package dev.iii4j.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ready-made {@link TriggerTypeProvider} that keeps the bindings of one trigger type by id and
 * fires them: the usual provider only needs to decide when to fire and with what payload.
 *
 * <p>Threading: thread-safe. Mutations and their listener calls are serialised by the table;
 * listeners run on the thread that registered or unregistered the binding (an SDK provider thread)
 * and must not call back into {@link #registerTrigger} or {@link #unregisterTrigger}. {@link
 * #bindings()} may be read from any thread at any time.
 */
public final class BindingTable implements TriggerTypeProvider {

  private static final Logger LOG = LoggerFactory.getLogger(BindingTable.class);

  /** The config key naming a function that gates each fire (spec section 3.10). */
  public static final String CONDITION_FUNCTION_ID = "condition_function_id";

  /** Observer of a {@link BindingTable}; both methods default to doing nothing. */
  public interface Listener {
    /** A binding was added, or replaced one with the same id (after {@link #bindingRemoved}). */
    default void bindingAdded(TriggerBinding binding) {}

    /** A binding was removed, or is about to be replaced. */
    default void bindingRemoved(TriggerBinding binding) {}
  }

  private final Function<TriggerBinding, Optional<String>> validator;
  private final ConcurrentHashMap<String, TriggerBinding> byId = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Object mutation = new Object();

  /** A table that accepts every binding. */
  public BindingTable() {
    this(binding -> Optional.empty());
  }

  /**
   * A table that checks each binding first.
   *
   * @param validator returns an error message to reject the binding (the engine then reports {@code
   *     trigger_registration_failed} with that message), or empty to accept it
   */
  public BindingTable(Function<TriggerBinding, Optional<String>> validator) {
    this.validator = Objects.requireNonNull(validator, "validator");
  }

  /** Adds a listener; it sees later changes only. */
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener added earlier. */
  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  /**
   * Validates and stores the binding. A binding equal to the stored one with the same id changes
   * nothing; a different one replaces it (listeners see a removal, then an addition).
   *
   * @return completed on success; failed with an {@link IllegalArgumentException} carrying the
   *     validator's message on rejection, or with the validator's own exception
   */
  @Override
  public CompletionStage<Void> registerTrigger(TriggerBinding binding) {
    Optional<String> rejection;
    try {
      rejection = validator.apply(binding);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (rejection.isPresent()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(rejection.get()));
    }
    synchronized (mutation) {
      TriggerBinding previous = byId.put(binding.id(), binding);
      if (binding.equals(previous)) {
        return CompletableFuture.completedFuture(null);
      }
      if (previous != null) {
        notifyListeners(previous, false);
      }
      notifyListeners(binding, true);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Removes the binding with the same id, if any. */
  @Override
  public void unregisterTrigger(TriggerBinding binding) {
    synchronized (mutation) {
      TriggerBinding removed = byId.remove(binding.id());
      if (removed != null) {
        notifyListeners(removed, false);
      }
    }
  }

  /** A snapshot of the current bindings, in no particular order. */
  public Collection<TriggerBinding> bindings() {
    return List.copyOf(byId.values());
  }

  /** The binding with the given id, if present. */
  public Optional<TriggerBinding> binding(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /**
   * Fires one binding: if its config has a string {@value #CONDITION_FUNCTION_ID}, that function is
   * called first with the same payload; a JSON {@code false} result, or an error (logged), skips
   * the fire. Otherwise the bound function is called synchronously with the payload and the
   * binding's metadata as invocation metadata.
   *
   * @param worker the worker to call through
   * @param binding the binding to fire
   * @param payload the fire payload
   * @return true when the bound function returned, false when the fire was skipped; fails with the
   *     {@link WorkerException} of the bound function's call
   */
  public CompletableFuture<Boolean> fire(
      EngineWorker worker, TriggerBinding binding, @Nullable JsonNode payload) {
    return fire(worker, binding, payload, CallOptions.defaults());
  }

  /**
   * Fires one binding as {@link #fire(EngineWorker, TriggerBinding, JsonNode)} does, with {@code
   * options} (timeout, trace context) on the condition call and on the bound function's call; the
   * bound function's call also carries the binding's metadata.
   *
   * @param worker the worker to call through
   * @param binding the binding to fire
   * @param payload the fire payload
   * @param options the options of both calls, for instance the trace context the fire continues
   * @return true when the bound function returned, false when the fire was skipped; fails with the
   *     {@link WorkerException} of the bound function's call
   */
  public CompletableFuture<Boolean> fire(
      EngineWorker worker,
      TriggerBinding binding,
      @Nullable JsonNode payload,
      CallOptions options) {
    String condition = conditionFunctionId(binding.config());
    CompletableFuture<Boolean> gate;
    if (condition == null) {
      gate = CompletableFuture.completedFuture(true);
    } else {
      gate =
          worker
              .call(condition, payload, options)
              .handle(
                  (result, error) -> {
                    if (error != null) {
                      LOG.warn(
                          "condition {} of trigger {} failed; skipping the fire",
                          condition,
                          binding.id(),
                          error);
                      return false;
                    }
                    return !(result != null && result.isBoolean() && !result.booleanValue());
                  });
    }
    return gate.thenCompose(
        go ->
            go
                ? worker
                    .call(binding.functionId(), payload, options.withMetadata(binding.metadata()))
                    .thenApply(result -> true)
                : CompletableFuture.completedFuture(false));
  }

  private static @Nullable String conditionFunctionId(@Nullable JsonNode config) {
    if (config == null || !config.isObject()) {
      return null;
    }
    JsonNode id = config.get(CONDITION_FUNCTION_ID);
    return id != null && id.isTextual() && !id.textValue().isBlank() ? id.textValue() : null;
  }

  private void notifyListeners(TriggerBinding binding, boolean added) {
    for (Listener listener : listeners) {
      try {
        if (added) {
          listener.bindingAdded(binding);
        } else {
          listener.bindingRemoved(binding);
        }
      } catch (RuntimeException e) {
        LOG.warn("binding listener failed for trigger {}", binding.id(), e);
      }
    }
  }
}

package dev.iii4j.gateway.registry;

import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.protocol.ErrorBody;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.Message;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trigger types, their providers, and trigger bindings.
 *
 * <p>A type may have several worker providers (the replicas of a service): every binding of the
 * type is sent to every provider, and a provider that joins later is sent the existing bindings. A
 * binding whose type has no provider is parked (kept, never fired, no error) and is delivered when
 * a provider appears. When the last provider of a type leaves, its bindings are parked again.
 *
 * <p>Bindings made through {@code engine::register_trigger} have no owner and may have a waiter for
 * the first provider's answer ({@link #registerAwaitingAck}).
 *
 * <p>All mutations run under one lock, so concurrent registrations and disconnects see a consistent
 * table; sending to workers never blocks, so holding the lock while sending is cheap.
 */
@Singleton
public final class TriggerRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(TriggerRegistry.class);

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, List<TriggerTypeProvider>> types = new LinkedHashMap<>();
  private final Map<String, TriggerEntry> triggers = new LinkedHashMap<>();
  private final Map<String, CompletableFuture<Optional<ErrorBody>>> acks = new LinkedHashMap<>();

  /** A trigger type and its providers, for listings. */
  public record TypeView(String id, List<TriggerTypeProvider> providers) {
    /** The description of the newest provider. */
    public String description() {
      return providers.get(providers.size() - 1).description();
    }
  }

  /** Registers a type the engine implements; it is never removed. */
  public void registerInProcessType(String id, TriggerTypeProvider.InProcess provider) {
    lock.lock();
    try {
      types.put(id, new ArrayList<>(List.of(provider)));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Adds a worker as a provider of a type and delivers the type's bindings to it: live ones (which
   * the other providers already hold) to this provider, parked ones to every provider.
   *
   * @return false when the type is implemented in-process and cannot be provided by a worker
   */
  public boolean registerType(String id, TriggerTypeProvider.Worker provider) {
    lock.lock();
    try {
      List<TriggerTypeProvider> providers = types.computeIfAbsent(id, k -> new ArrayList<>());
      if (providers.stream().anyMatch(p -> p instanceof TriggerTypeProvider.InProcess)) {
        return false;
      }
      providers.removeIf(
          p -> p instanceof TriggerTypeProvider.Worker w && w.session() == provider.session());
      providers.add(provider);
      for (TriggerEntry trigger : List.copyOf(triggers.values())) {
        if (!trigger.triggerType().equals(id)) {
          continue;
        }
        if (trigger.live()) {
          provider.session().send(trigger.toMessage());
        } else if (trigger.owner() == null || trigger.owner().isOpen()) {
          triggers.put(trigger.id(), trigger.withLive(deliver(trigger, providers)));
        } else {
          triggers.remove(trigger.id());
        }
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Registers or replaces a binding. Worker providers are sent the binding and it is recorded as
   * live at once; a later rejection goes through {@link #rejected}.
   *
   * @return the error to report to the registering worker, if an in-process type rejected it
   */
  public Optional<ErrorBody> registerTrigger(TriggerEntry requested) {
    lock.lock();
    try {
      return store(requested);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Registers a binding on behalf of {@code engine::register_trigger}, which reports the first
   * provider's answer to its caller.
   *
   * <p>The returned future completes with empty for an accepted binding, or with the rejection to
   * report, always with code {@code trigger_registration_failed}. It is already complete when the
   * binding was parked (no provider, or the provider's connection is closing: empty) or handled
   * in-process (a rejection carries the type's message). Otherwise it completes with the first
   * {@code triggerregistrationresult} for the id from a current worker provider ({@link
   * #acknowledge}; a rejection's message is {@code "<code>: <message>"} of the provider's error),
   * or with empty when the provider leaves or the binding is removed first. It never completes
   * exceptionally. A caller that stops waiting must call {@link #stopWaiting} so a late answer
   * takes the ordinary {@link #rejected} path.
   */
  public CompletableFuture<Optional<ErrorBody>> registerAwaitingAck(TriggerEntry requested) {
    lock.lock();
    try {
      CompletableFuture<Optional<ErrorBody>> ack = new CompletableFuture<>();
      // Registered before anything is sent: the provider's answer is applied under the same lock,
      // so it cannot overtake the waiter.
      acks.put(requested.id(), ack);
      Optional<ErrorBody> error = store(requested);
      TriggerEntry stored = triggers.get(requested.id());
      if (error.isPresent() || stored == null || !stored.live() || !hasWorkerProvider(stored)) {
        acks.remove(requested.id(), ack);
        ack.complete(error);
      }
      return ack;
    } finally {
      lock.unlock();
    }
  }

  /** Forgets the waiter {@link #registerAwaitingAck} returned, after its caller gave up. */
  public void stopWaiting(String id, CompletableFuture<Optional<ErrorBody>> ack) {
    lock.lock();
    try {
      acks.remove(id, ack);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A provider answered {@code triggerregistrationresult} for a binding someone waits for (see
   * {@link #registerAwaitingAck}). A rejection removes the binding (it was never accepted, so it is
   * not parked) and withdraws it from the other providers of the type.
   *
   * @return true when the answer was consumed by a waiter; false when nobody waits for this id or
   *     the sender does not provide the binding's type, and the answer takes the ordinary path
   */
  public boolean acknowledge(WorkerSession provider, Message.TriggerRegistrationResult result) {
    lock.lock();
    try {
      CompletableFuture<Optional<ErrorBody>> ack = acks.get(result.id());
      TriggerEntry trigger = triggers.get(result.id());
      if (ack == null
          || trigger == null
          || !trigger.live()
          || !isProvider(trigger.triggerType(), provider)) {
        return false;
      }
      acks.remove(result.id());
      if (result.error() != null) {
        triggers.remove(trigger.id());
        for (TriggerTypeProvider other : types.getOrDefault(trigger.triggerType(), List.of())) {
          if (other instanceof TriggerTypeProvider.Worker w && w.session() != provider) {
            w.session().send(new Message.UnregisterTrigger(trigger.id(), trigger.triggerType()));
          }
        }
        LOG.info(
            "provider {} rejected trigger {} of type {}: {}",
            provider,
            trigger.id(),
            trigger.triggerType(),
            result.error().message());
      }
      ack.complete(
          Optional.ofNullable(result.error())
              .map(e -> ErrorCode.TRIGGER_REGISTRATION_FAILED.body(e.code() + ": " + e.message())));
      return true;
    } finally {
      lock.unlock();
    }
  }

  private Optional<ErrorBody> store(TriggerEntry requested) {
    TriggerEntry previous = triggers.remove(requested.id());
    if (previous != null && previous.live()) {
      withdraw(previous);
    }
    List<TriggerTypeProvider> providers = types.get(requested.triggerType());
    if (providers == null || providers.isEmpty()) {
      triggers.put(requested.id(), requested.withLive(false));
      return Optional.empty();
    }
    if (providers.get(0) instanceof TriggerTypeProvider.InProcess inProcess) {
      try {
        inProcess.implementation().register(requested);
      } catch (IllegalArgumentException e) {
        return Optional.of(ErrorCode.TRIGGER_REGISTRATION_FAILED.body(e.getMessage()));
      }
      triggers.put(requested.id(), requested.withLive(true));
      return Optional.empty();
    }
    triggers.put(requested.id(), requested.withLive(deliver(requested, providers)));
    return Optional.empty();
  }

  private boolean hasWorkerProvider(TriggerEntry trigger) {
    return types.getOrDefault(trigger.triggerType(), List.of()).stream()
        .anyMatch(p -> p instanceof TriggerTypeProvider.Worker);
  }

  /**
   * Removes a binding, telling its providers.
   *
   * @return whether a live or parked binding with that id existed
   */
  public boolean unregisterTrigger(String id) {
    lock.lock();
    try {
      TriggerEntry removed = triggers.remove(id);
      if (removed == null) {
        return false;
      }
      release(id);
      if (removed.live()) {
        withdraw(removed);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * A provider rejected a binding: it is parked, and the registering worker is told.
   *
   * @return the owner to notify, if the binding was live and its owner is still connected
   */
  public Optional<WorkerSession> rejected(
      WorkerSession provider, Message.TriggerRegistrationResult result) {
    lock.lock();
    try {
      TriggerEntry trigger = triggers.get(result.id());
      if (trigger == null || !trigger.live() || !isProvider(trigger.triggerType(), provider)) {
        return Optional.empty();
      }
      triggers.put(trigger.id(), trigger.withLive(false));
      LOG.info(
          "provider {} rejected trigger {} of type {}: {}",
          provider,
          trigger.id(),
          trigger.triggerType(),
          result.error() == null ? "" : result.error().message());
      return Optional.ofNullable(trigger.owner()).filter(WorkerSession::isOpen);
    } finally {
      lock.unlock();
    }
  }

  /** Whether the session currently provides the type. */
  public boolean isProvider(String type, WorkerSession session) {
    lock.lock();
    try {
      List<TriggerTypeProvider> providers = types.get(type);
      return providers != null
          && providers.stream()
              .anyMatch(p -> p instanceof TriggerTypeProvider.Worker w && w.session() == session);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Cleanup of a closing connection: removes the bindings it owns (telling providers), and removes
   * it as a provider, parking the bindings of types left without one.
   */
  public void removeSession(WorkerSession session) {
    lock.lock();
    try {
      for (TriggerEntry trigger : List.copyOf(triggers.values())) {
        if (trigger.owner() == session) {
          triggers.remove(trigger.id());
          if (trigger.live()) {
            withdraw(trigger);
          }
        }
      }
      for (Map.Entry<String, List<TriggerTypeProvider>> type : List.copyOf(types.entrySet())) {
        List<TriggerTypeProvider> providers = type.getValue();
        boolean removed =
            providers.removeIf(
                p -> p instanceof TriggerTypeProvider.Worker w && w.session() == session);
        if (removed && providers.isEmpty()) {
          types.remove(type.getKey());
          for (TriggerEntry trigger : List.copyOf(triggers.values())) {
            if (trigger.triggerType().equals(type.getKey()) && trigger.live()) {
              triggers.put(trigger.id(), trigger.withLive(false));
              release(trigger.id());
            }
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** The live bindings of a type, in registration order. */
  public List<TriggerEntry> live(String type) {
    lock.lock();
    try {
      return triggers.values().stream()
          .filter(t -> t.live() && t.triggerType().equals(type))
          .toList();
    } finally {
      lock.unlock();
    }
  }

  /** Every live binding. */
  public List<TriggerEntry> allLive() {
    lock.lock();
    try {
      return triggers.values().stream().filter(TriggerEntry::live).toList();
    } finally {
      lock.unlock();
    }
  }

  /** A binding by id, live or parked. */
  public Optional<TriggerEntry> find(String id) {
    lock.lock();
    try {
      return Optional.ofNullable(triggers.get(id));
    } finally {
      lock.unlock();
    }
  }

  /** Every registered type with its providers. */
  public List<TypeView> types() {
    lock.lock();
    try {
      return types.entrySet().stream()
          .filter(e -> !e.getValue().isEmpty())
          .map(e -> new TypeView(e.getKey(), List.copyOf(e.getValue())))
          .toList();
    } finally {
      lock.unlock();
    }
  }

  /** A type by id, if registered. */
  public @Nullable TypeView type(String id) {
    lock.lock();
    try {
      List<TriggerTypeProvider> providers = types.get(id);
      return providers == null || providers.isEmpty()
          ? null
          : new TypeView(id, List.copyOf(providers));
    } finally {
      lock.unlock();
    }
  }

  /** Ends a wait for a provider's answer that can no longer come: the registration stands. */
  private void release(String id) {
    CompletableFuture<Optional<ErrorBody>> ack = acks.remove(id);
    if (ack != null) {
      ack.complete(Optional.empty());
    }
  }

  private static boolean deliver(TriggerEntry trigger, List<TriggerTypeProvider> providers) {
    boolean delivered = false;
    for (TriggerTypeProvider provider : providers) {
      if (provider instanceof TriggerTypeProvider.Worker w) {
        delivered |= w.session().send(trigger.toMessage());
      }
    }
    return delivered;
  }

  private void withdraw(TriggerEntry trigger) {
    List<TriggerTypeProvider> providers = types.getOrDefault(trigger.triggerType(), List.of());
    for (TriggerTypeProvider provider : providers) {
      switch (provider) {
        case TriggerTypeProvider.Worker w ->
            w.session().send(new Message.UnregisterTrigger(trigger.id(), trigger.triggerType()));
        case TriggerTypeProvider.InProcess p -> p.implementation().unregister(trigger);
      }
    }
  }
}

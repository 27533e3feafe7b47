package dev.iii4j.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.MessageCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The worker's registrations: its local functions, trigger types and triggers, their registration
 * and unregistration frames, and their replay on each new connection.
 *
 * <p>Threading: the registrations are guarded by the worker's one lock ({@link Outbound#lock}),
 * together with the current connection and the offline queue. An invocation finds its function
 * without the lock, in {@link #handler}, a concurrent copy of the functions written under it.
 */
final class Registry {

  private final Outbound outbound;
  private final Object lock;
  // Guarded by lock; insertion order is the replay order.
  private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
  // The same functions, written under lock together with functions, read without it by invocations.
  private final ConcurrentHashMap<String, LocalFunction> handlers = new ConcurrentHashMap<>();
  private final Map<String, LocalTriggerType> triggerTypes = new LinkedHashMap<>();
  private final Map<String, LocalTrigger> triggers = new LinkedHashMap<>();

  Registry(Outbound outbound) {
    this.outbound = outbound;
    this.lock = outbound.lock;
  }

  FunctionRef registerFunction(FunctionDefinition definition, FunctionHandler handler) {
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(handler, "handler");
    LocalFunction function = new LocalFunction(definition, handler);
    synchronized (lock) {
      outbound.requireNotClosed();
      if (functions.containsKey(definition.id())) {
        throw new DuplicateRegistrationException(definition.id());
      }
      functions.put(definition.id(), function);
      handlers.put(definition.id(), function);
      outbound.sendIfOpen(function.message());
    }
    return new FunctionRef() {
      @Override
      public String id() {
        return definition.id();
      }

      @Override
      public void unregister() {
        synchronized (lock) {
          if (functions.remove(definition.id(), function)) {
            handlers.remove(definition.id(), function);
            outbound.sendIfOpen(new Message.UnregisterFunction(definition.id()));
          }
        }
      }

      @Override
      public String toString() {
        return "FunctionRef[" + definition.id() + "]";
      }
    };
  }

  TriggerTypeRef registerTriggerType(
      String id, @Nullable String description, TriggerTypeProvider provider) {
    requireId(id, "trigger type id");
    Objects.requireNonNull(provider, "provider");
    LocalTriggerType type =
        new LocalTriggerType(
            new Message.RegisterTriggerType(id, description == null ? "" : description), provider);
    synchronized (lock) {
      outbound.requireNotClosed();
      if (triggerTypes.containsKey(id)) {
        throw new DuplicateRegistrationException(id);
      }
      triggerTypes.put(id, type);
      outbound.sendIfOpen(type.message());
    }
    return new TriggerTypeRef() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public void unregister() {
        synchronized (lock) {
          if (triggerTypes.remove(id, type)) {
            outbound.sendIfOpen(new Message.UnregisterTriggerType(id));
          }
        }
      }

      @Override
      public String toString() {
        return "TriggerTypeRef[" + id + "]";
      }
    };
  }

  TriggerRef registerTrigger(
      String triggerType,
      String functionId,
      @Nullable JsonNode config,
      @Nullable JsonNode metadata) {
    requireId(triggerType, "trigger type");
    requireId(functionId, "function id");
    Message.RegisterTrigger message =
        new Message.RegisterTrigger(
            UUID.randomUUID().toString(), triggerType, functionId, config, metadata);
    synchronized (lock) {
      outbound.requireNotClosed();
      triggers.put(message.id(), new LocalTrigger(message));
      outbound.sendIfOpen(message);
    }
    return new TriggerRef() {
      @Override
      public String id() {
        return message.id();
      }

      @Override
      public String triggerType() {
        return triggerType;
      }

      @Override
      public String functionId() {
        return functionId;
      }

      @Override
      public @Nullable JsonNode config() {
        return config;
      }

      @Override
      public void unregister() {
        synchronized (lock) {
          if (triggers.remove(message.id()) != null && !outbound.isClosed()) {
            outbound.send(
                new Message.UnregisterTrigger(message.id(), triggerType),
                outbound.defaultDeadline(),
                null);
          }
        }
      }

      @Override
      public String toString() {
        return "TriggerRef[" + message.id() + " " + triggerType + " -> " + functionId + "]";
      }
    };
  }

  /** The function registered for {@code functionId}, or null; without the lock. */
  @Nullable LocalFunction handler(String functionId) {
    return handlers.get(functionId);
  }

  /** The trigger type registered for {@code id}, or null; takes the lock. */
  @Nullable LocalTriggerType triggerType(String id) {
    synchronized (lock) {
      return triggerTypes.get(id);
    }
  }

  /**
   * Adds the registration frames to replay on a new connection, in spec order: trigger types,
   * functions, triggers. Caller holds the lock.
   */
  void replay(MessageCodec codec, List<byte[]> frames) {
    triggerTypes.values().forEach(t -> frames.add(codec.encodeToBytes(t.message())));
    functions.values().forEach(f -> frames.add(codec.encodeToBytes(f.message())));
    triggers.values().forEach(t -> frames.add(codec.encodeToBytes(t.message())));
  }

  static void requireId(String id, String what) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }

  record LocalFunction(FunctionDefinition definition, FunctionHandler handler) {
    Message.RegisterFunction message() {
      return new Message.RegisterFunction(
          definition.id(),
          definition.description(),
          definition.requestFormat(),
          definition.responseFormat(),
          definition.metadata(),
          null);
    }
  }

  record LocalTriggerType(Message.RegisterTriggerType message, TriggerTypeProvider provider) {}

  private record LocalTrigger(Message.RegisterTrigger message) {}
}

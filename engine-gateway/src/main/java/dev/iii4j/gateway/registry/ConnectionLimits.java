package dev.iii4j.gateway.registry;

import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.config.ConnectionLimitsProperties;
import dev.iii4j.protocol.ErrorCode;
import dev.iii4j.protocol.Message;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps what one connection may register (functions, trigger bindings, trigger types). A
 * registration over a cap is refused with an {@code error} frame of code {@code limit_exceeded}
 * naming the limit and its setting, and counted in {@code iii_connection_limit_refusals_total}; the
 * connection stays open and keeps what it had. The log says so once per connection and kind.
 *
 * <p>Thread-safe: the per-connection id sets live in the {@link WorkerSession} and are concurrent.
 */
@Singleton
public final class ConnectionLimits {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimits.class);

  /** What is being registered. */
  public enum Kind {
    FUNCTION("functions", "max-functions"),
    TRIGGER("triggers", "max-triggers"),
    TRIGGER_TYPE("trigger types", "max-trigger-types");

    private final String plural;
    private final String setting;

    Kind(String plural, String setting) {
      this.plural = plural;
      this.setting = setting;
    }
  }

  private final Map<Kind, Integer> caps = new EnumMap<>(Kind.class);
  private final Map<Kind, Counter> refusals = new EnumMap<>(Kind.class);

  ConnectionLimits(ConnectionLimitsProperties properties, BeanProvider<MeterRegistry> meters) {
    caps.put(Kind.FUNCTION, properties.maxFunctions());
    caps.put(Kind.TRIGGER, properties.maxTriggers());
    caps.put(Kind.TRIGGER_TYPE, properties.maxTriggerTypes());
    if (meters.isPresent()) {
      MeterRegistry registry = meters.get();
      for (Kind kind : Kind.values()) {
        refusals.put(
            kind,
            Counter.builder("iii.connection.limit.refusals")
                .description("Registrations refused because a connection reached its limit")
                .tag("kind", kind.name().toLowerCase(Locale.ROOT))
                .register(registry));
      }
    }
  }

  /**
   * Call right before the registry stores the registration. Records that {@code session} holds
   * {@code id}, or refuses it when the session is at its cap for that kind and {@code id} is new
   * (re-registering a held id is always allowed).
   *
   * @return whether the registration may proceed
   */
  public boolean admit(WorkerSession session, Kind kind, String id) {
    Set<String> held = held(session, kind);
    if (held.contains(id)) {
      return true;
    }
    int cap = caps.get(kind);
    if (held.size() >= cap) {
      Counter counter = refusals.get(kind);
      if (counter != null) {
        counter.increment();
      }
      String message =
          "this connection already holds "
              + cap
              + " "
              + kind.plural
              + " (the limit; "
              + ConnectionLimitsProperties.PREFIX
              + "."
              + kind.setting
              + " raises it): '"
              + id
              + "' refused";
      if (session.limitsReached().add(kind.name())) {
        LOG.warn(
            "worker {}: {}; further refusals on this connection are not logged", session, message);
      }
      session.send(new Message.ErrorFrame(ErrorCode.LIMIT_EXCEEDED.body(message)));
      return false;
    }
    held.add(id);
    return true;
  }

  /** Forgets a registration the session withdrew. */
  public void release(WorkerSession session, Kind kind, String id) {
    held(session, kind).remove(id);
  }

  private static Set<String> held(WorkerSession session, Kind kind) {
    return switch (kind) {
      case FUNCTION -> session.functionIds();
      case TRIGGER -> session.triggerIds();
      case TRIGGER_TYPE -> session.triggerTypeIds();
    };
  }
}

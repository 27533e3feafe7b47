package dev.iii4j.gateway.registry;

import dev.iii4j.gateway.WorkerSession;
import dev.iii4j.gateway.httpfn.HttpInvocation;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Functions by id. Several connections registering one id form a pool: calls are spread over the
 * live members in turn, and the id stays callable while one member is left. A connection appears at
 * most once per pool; registering again replaces its definition.
 *
 * <p>Thread-safe. Lookups take no lock; mutations of one id are atomic.
 */
@Singleton
public final class FunctionRegistry {

  /** The registrants of one id. */
  public static final class Pool {
    private final String id;
    private final List<FunctionProvider> members = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    Pool(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    /** The members, oldest first. */
    public List<FunctionProvider> members() {
      return List.copyOf(members);
    }

    /** The definition listings show: the newest member's. */
    public FunctionDefinition definition() {
      List<FunctionProvider> snapshot = members;
      return snapshot.get(snapshot.size() - 1).definition();
    }

    /** The next available member in turn, if any. */
    public Optional<FunctionProvider> pick() {
      Object[] snapshot = members.toArray();
      for (int i = 0; i < snapshot.length; i++) {
        int index = Math.floorMod(next.getAndIncrement(), snapshot.length);
        FunctionProvider candidate = (FunctionProvider) snapshot[index];
        if (candidate.available()) {
          return Optional.of(candidate);
        }
      }
      return Optional.empty();
    }
  }

  private final Map<String, Pool> pools = new ConcurrentHashMap<>();

  /** Adds or replaces the session's registration of {@code definition.id()}. */
  public void register(WorkerSession session, FunctionDefinition definition) {
    add(session, new FunctionProvider.Worker(session, definition));
  }

  /** Adds or replaces the session's registration of an HTTP-invoked function. */
  public void registerHttp(
      WorkerSession session, FunctionDefinition definition, HttpInvocation invocation) {
    add(session, new FunctionProvider.Http(session, definition, invocation));
  }

  private void add(WorkerSession session, FunctionProvider provider) {
    pools.compute(
        provider.definition().id(),
        (id, pool) -> {
          Pool target = pool == null ? new Pool(id) : pool;
          target.members.removeIf(m -> ownedBy(m, session));
          target.members.add(provider);
          return target;
        });
  }

  private static boolean ownedBy(FunctionProvider provider, WorkerSession session) {
    return switch (provider) {
      case FunctionProvider.Worker w -> w.session() == session;
      case FunctionProvider.Http h -> h.session() == session;
      case FunctionProvider.Builtin b -> false;
    };
  }

  /** Registers an in-process function; it replaces nothing and is never removed. */
  public void registerBuiltin(FunctionProvider.Builtin builtin) {
    pools.compute(
        builtin.definition().id(),
        (id, pool) -> {
          Pool target = pool == null ? new Pool(id) : pool;
          target.members.add(builtin);
          return target;
        });
  }

  /**
   * Removes the session from the pool of {@code id}.
   *
   * @return whether the session was a member
   */
  public boolean unregister(WorkerSession session, String id) {
    boolean[] removed = {false};
    pools.computeIfPresent(
        id,
        (key, pool) -> {
          removed[0] = pool.members.removeIf(m -> ownedBy(m, session));
          return pool.members.isEmpty() ? null : pool;
        });
    return removed[0];
  }

  /** The pool of an id, if registered. */
  public @Nullable Pool get(String id) {
    return pools.get(id);
  }

  /** Whether the session provides {@code id}. */
  public boolean provides(WorkerSession session, String id) {
    Pool pool = pools.get(id);
    return pool != null && pool.members.stream().anyMatch(m -> ownedBy(m, session));
  }

  /** A snapshot of all pools. */
  public List<Pool> all() {
    return new ArrayList<>(pools.values());
  }
}

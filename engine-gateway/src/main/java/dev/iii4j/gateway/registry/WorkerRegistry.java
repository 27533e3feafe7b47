package dev.iii4j.gateway.registry;

import dev.iii4j.gateway.WorkerSession;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Connected workers by worker id. Thread-safe. */
@Singleton
public final class WorkerRegistry {
  private final Map<String, WorkerSession> sessions = new ConcurrentHashMap<>();

  public void add(WorkerSession session) {
    sessions.put(session.workerId(), session);
  }

  public void remove(WorkerSession session) {
    sessions.remove(session.workerId(), session);
  }

  public @Nullable WorkerSession get(String workerId) {
    return sessions.get(workerId);
  }

  /** A snapshot of the connected workers. */
  public List<WorkerSession> all() {
    return List.copyOf(sessions.values());
  }
}

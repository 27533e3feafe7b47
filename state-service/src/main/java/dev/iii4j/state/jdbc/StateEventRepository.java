package dev.iii4j.state.jdbc;

import dev.iii4j.state.StateService;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;

/** Statements on the {@code state_event} outbox. Callers hold a transaction. */
@JdbcRepository(dialect = Dialect.POSTGRES)
@Requires(env = StateService.ENVIRONMENT)
interface StateEventRepository extends GenericRepository<StateEventRow, Long> {

  @Query(
      value =
          "INSERT INTO state_event (scope, key, event_type, old_value, new_value, targets, pending,"
              + " delivered_at) VALUES (:scope, :key, :eventType, CAST(:oldValue AS jsonb),"
              + " CAST(:newValue AS jsonb), CAST(:targets AS jsonb), CAST(:pending AS jsonb),"
              + " CASE WHEN :delivered THEN now() END)",
      nativeQuery = true)
  void append(
      String scope,
      String key,
      String eventType,
      @Nullable String oldValue,
      @Nullable String newValue,
      String targets,
      String pending,
      boolean delivered);

  /**
   * Claims due events that are the oldest undelivered event of their key. Rows locked by another
   * dispatcher are skipped; so are the later events of a key whose head is locked or not due, which
   * keeps each key's events in commit order across replicas.
   */
  @Query(
      value =
          "SELECT e.id, e.scope, e.key, e.event_type, CAST(e.old_value AS text) AS old_value,"
              + " CAST(e.new_value AS text) AS new_value, CAST(e.pending AS text) AS pending,"
              + " e.attempts, e.created_at, e.traceparent, e.baggage FROM state_event e"
              + " WHERE e.delivered_at IS NULL AND e.next_attempt_at <= now()"
              + " AND NOT EXISTS (SELECT 1 FROM state_event p WHERE p.delivered_at IS NULL"
              + " AND p.scope = e.scope AND p.key = e.key AND p.id < e.id)"
              + " ORDER BY e.id LIMIT :limit FOR UPDATE OF e SKIP LOCKED",
      nativeQuery = true)
  List<StateEventRow> claim(int limit);

  @Query(
      value =
          "UPDATE state_event SET delivered_at = now(), pending = CAST('[]' AS jsonb),"
              + " last_error = NULL WHERE id = :id",
      nativeQuery = true)
  void markDelivered(long id);

  @Query(
      value =
          "UPDATE state_event SET pending = CAST(:pending AS jsonb), attempts = attempts + 1,"
              + " next_attempt_at = now() + CAST(:delay AS interval), last_error = :error"
              + " WHERE id = :id",
      nativeQuery = true)
  void postpone(long id, String pending, String delay, @Nullable String error);

  @Query(
      value =
          "DELETE FROM state_event WHERE delivered_at IS NOT NULL"
              + " AND delivered_at < now() - CAST(:retention AS interval)",
      nativeQuery = true)
  int prune(String retention);

  @Query(value = "SELECT count(*) FROM state_event WHERE delivered_at IS NULL", nativeQuery = true)
  long countUndelivered();
}

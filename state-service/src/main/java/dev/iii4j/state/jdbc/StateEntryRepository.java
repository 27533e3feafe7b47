package dev.iii4j.state.jdbc;

import dev.iii4j.state.StateService;
import io.micronaut.context.annotation.Requires;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;
import java.util.Optional;

/** Statements on {@code state_entry}. Callers hold a transaction. */
@JdbcRepository(dialect = Dialect.POSTGRES)
@Requires(env = StateService.ENVIRONMENT)
interface StateEntryRepository extends GenericRepository<StateEntryRow, Long> {

  /**
   * Serialises writers of one (scope, key) until the transaction ends, including writers of a key
   * that has no row yet (which SELECT ... FOR UPDATE alone cannot lock).
   */
  @Query(
      value =
          "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext(:scope), hashtext(:key))) l",
      nativeQuery = true)
  long lockKey(String scope, String key);

  @Query(
      value =
          "SELECT seq, scope, key, CAST(value AS text) AS value, created_at, updated_at"
              + " FROM state_entry WHERE scope = :scope AND key = :key",
      nativeQuery = true)
  Optional<StateEntryRow> find(String scope, String key);

  @Query(
      value =
          "SELECT seq, scope, key, CAST(value AS text) AS value, created_at, updated_at"
              + " FROM state_entry WHERE scope = :scope AND key = :key FOR UPDATE",
      nativeQuery = true)
  Optional<StateEntryRow> findForUpdate(String scope, String key);

  @Query(
      value =
          "INSERT INTO state_entry (scope, key, value) VALUES (:scope, :key, CAST(:value AS jsonb))",
      nativeQuery = true)
  void insert(String scope, String key, String value);

  @Query(
      value =
          "UPDATE state_entry SET value = CAST(:value AS jsonb), updated_at = now()"
              + " WHERE scope = :scope AND key = :key",
      nativeQuery = true)
  void replace(String scope, String key, String value);

  @Query(value = "DELETE FROM state_entry WHERE scope = :scope AND key = :key", nativeQuery = true)
  void remove(String scope, String key);

  @Query(
      value = "SELECT CAST(value AS text) FROM state_entry WHERE scope = :scope ORDER BY seq",
      nativeQuery = true)
  List<String> values(String scope);

  @Query(
      value =
          "SELECT scope FROM (SELECT DISTINCT scope FROM state_entry) s ORDER BY scope COLLATE \"C\"",
      nativeQuery = true)
  List<String> scopes();
}

package dev.iii4j.cron.jdbc;

import dev.iii4j.cron.CronScheduler;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

/**
 * Statements on {@code iii_cron.tick_claim}. Times cross the boundary as epoch seconds, so no JVM
 * or session time zone can shift a tick.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
@Requires(env = CronScheduler.ENVIRONMENT)
interface TickClaimRepository extends GenericRepository<TickClaimRow, String> {

  /** 1 when this statement inserted the claim, 0 when the (job, tick) was claimed already. */
  @Query(
      value =
          "INSERT INTO iii_cron.tick_claim (job_id, scheduled_time, replica_id)"
              + " VALUES (:jobId, to_timestamp(:epochSecond), :replicaId)"
              + " ON CONFLICT (job_id, scheduled_time) DO NOTHING",
      nativeQuery = true)
  int claim(String jobId, long epochSecond, String replicaId);

  @Query(
      value =
          "UPDATE iii_cron.tick_claim SET outcome = :outcome, error = :error,"
              + " finished_at = clock_timestamp()"
              + " WHERE job_id = :jobId AND scheduled_time = to_timestamp(:epochSecond)",
      nativeQuery = true)
  int finish(String jobId, long epochSecond, String outcome, @Nullable String error);

  @Query(
      value =
          "SELECT CAST(extract(epoch FROM max(scheduled_time)) AS bigint)"
              + " FROM iii_cron.tick_claim WHERE job_id = :jobId",
      nativeQuery = true)
  @Nullable
  Long lastClaimed(String jobId);

  @Query(
      value =
          "SELECT count(*) FROM iii_cron.tick_claim WHERE outcome = 'claimed'"
              + " AND scheduled_time < now() - CAST(:retention AS interval)",
      nativeQuery = true)
  long countUnfinishedOlderThan(String retention);

  @Query(
      value =
          "DELETE FROM iii_cron.tick_claim WHERE scheduled_time < now() - CAST(:retention AS"
              + " interval)",
      nativeQuery = true)
  int deleteOlderThan(String retention);
}

package dev.iii4j.cron.jdbc;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** One row of {@code iii_cron.tick_claim}; only its shape matters, statements are native. */
@MappedEntity(value = "tick_claim", schema = "iii_cron")
record TickClaimRow(
    @Id String jobId,
    Instant scheduledTime,
    String replicaId,
    Instant claimedAt,
    Instant finishedAt,
    String outcome,
    String error) {}

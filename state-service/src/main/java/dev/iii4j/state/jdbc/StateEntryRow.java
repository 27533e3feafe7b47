package dev.iii4j.state.jdbc;

import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** One row of {@code state_entry}; {@code value} is the jsonb column read as text. */
@MappedEntity("state_entry")
record StateEntryRow(
    @Id @GeneratedValue Long seq,
    String scope,
    String key,
    String value,
    Instant createdAt,
    Instant updatedAt) {}

package dev.iii4j.state.jdbc;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** One undelivered row of the {@code state_event} outbox; jsonb columns read as text. */
@MappedEntity("state_event")
record StateEventRow(
    @Id @GeneratedValue Long id,
    String scope,
    String key,
    String eventType,
    @Nullable String oldValue,
    @Nullable String newValue,
    String pending,
    int attempts,
    Instant createdAt,
    @Nullable String traceparent,
    @Nullable String baggage) {}

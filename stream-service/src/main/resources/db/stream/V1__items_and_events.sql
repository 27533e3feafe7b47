-- iii streams. Flyway runs this (classpath:db/stream) in the schema iii_stream, which keeps the
-- stream service's tables and its own flyway_schema_history apart from the other services that
-- share the database (state-service migrates the public schema, cron-service iii_cron).

-- One row per item, readable with psql.
CREATE TABLE iii_stream.item (
    stream_name text        NOT NULL,
    group_id    text        NOT NULL,
    item_id     text        NOT NULL,
    -- The value as JSON; a stored JSON null is the jsonb value 'null', never SQL NULL.
    value       jsonb       NOT NULL,
    -- Insertion order for stream::list; an update keeps it, a delete and re-create renews it.
    seq         bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_name, group_id, item_id)
);

CREATE INDEX item_group_seq ON iii_stream.item (stream_name, group_id, seq);

-- The outbox of stream trigger events: one row per published message that matched triggers
-- (written in the change's transaction), and per message too large to travel inside a
-- notification (replicas read it from here).
CREATE TABLE iii_stream.event (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_name     text        NOT NULL,
    group_id        text        NOT NULL,
    -- The message's id: the item, or SQL NULL for a group-wide stream::send.
    item_id         text,
    event_type      text        NOT NULL
        CHECK (event_type IN ('create', 'update', 'delete', 'event')),
    -- The whole message as clients and triggers receive it.
    message         jsonb       NOT NULL,
    -- The triggers that matched when the change committed, and those not yet delivered.
    targets         jsonb       NOT NULL DEFAULT '[]',
    pending         jsonb       NOT NULL DEFAULT '[]',
    attempts        integer     NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    last_error      text
);

-- The dispatcher's claim: undelivered events by item, oldest first.
CREATE INDEX event_undelivered ON iii_stream.event (stream_name, group_id, item_id, id)
    WHERE delivered_at IS NULL;
CREATE INDEX event_due ON iii_stream.event (next_attempt_at, id) WHERE delivered_at IS NULL;
CREATE INDEX event_delivered ON iii_stream.event (delivered_at) WHERE delivered_at IS NOT NULL;

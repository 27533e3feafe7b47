-- iii state: one row per (scope, key), readable with psql.
CREATE TABLE state_entry (
    scope      text        NOT NULL,
    key        text        NOT NULL,
    -- The value as JSON; a stored JSON null is the jsonb value 'null', never SQL NULL.
    value      jsonb       NOT NULL,
    -- Insertion order for state::list; an update keeps it, a delete and re-create renews it.
    seq        bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);

CREATE INDEX state_entry_scope_seq ON state_entry (scope, seq);

-- The transactional outbox: one row per change, written in the change's transaction.
CREATE TABLE state_event (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope           text        NOT NULL,
    key             text        NOT NULL,
    event_type      text        NOT NULL
        CHECK (event_type IN ('state:created', 'state:updated', 'state:deleted')),
    -- SQL NULL: no value (no previous entry, or the new value of a delete).
    old_value       jsonb,
    new_value       jsonb,
    -- The state triggers that matched when the change committed, and those not yet delivered.
    targets         jsonb       NOT NULL DEFAULT '[]',
    pending         jsonb       NOT NULL DEFAULT '[]',
    attempts        integer     NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    last_error      text
);

-- The dispatcher's claim: undelivered events by key, oldest first.
CREATE INDEX state_event_undelivered ON state_event (scope, key, id) WHERE delivered_at IS NULL;
CREATE INDEX state_event_due ON state_event (next_attempt_at, id) WHERE delivered_at IS NULL;
CREATE INDEX state_event_delivered ON state_event (delivered_at) WHERE delivered_at IS NOT NULL;

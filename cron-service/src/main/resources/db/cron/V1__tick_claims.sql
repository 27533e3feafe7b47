-- iii cron: one claim per (trigger, tick). Flyway runs this (classpath:db/cron) in the schema iii_cron, which keeps
-- the cron service's tables and its own flyway_schema_history apart from other services that
-- share the database (state-service migrates the public schema).
CREATE TABLE iii_cron.tick_claim (
    -- The trigger id (the payload's job_id).
    job_id         text        NOT NULL,
    -- The tick, whole seconds, UTC.
    scheduled_time timestamptz NOT NULL,
    -- The replica that won the claim (engine.cron.replica-id).
    replica_id     text        NOT NULL,
    claimed_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at    timestamptz,
    -- claimed: not finished yet, or never (its replica died between claim and outcome).
    outcome        text        NOT NULL DEFAULT 'claimed'
        CHECK (outcome IN ('claimed', 'fired', 'skipped', 'failed', 'cancelled')),
    error          text,
    -- The constraint that makes each tick fire once across replicas.
    PRIMARY KEY (job_id, scheduled_time)
);

CREATE INDEX tick_claim_scheduled_time ON iii_cron.tick_claim (scheduled_time);

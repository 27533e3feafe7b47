-- iii observability: spans and log records every replica reads. Flyway runs this
-- (classpath:db/observability) in the schema iii_observability, apart from other services that
-- share the database. Each row keeps the whole record as the query functions return it (doc) and
-- the columns they filter and order on.
CREATE TABLE iii_observability.span (
    trace_id       text        NOT NULL,
    span_id        text        NOT NULL,
    parent_span_id text,
    start_ns       bigint      NOT NULL,
    doc            jsonb       NOT NULL,
    -- Insertion order: the oldest go first when the count bound is passed.
    seq            bigserial   NOT NULL,
    stored_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- One row per span: a span stored again (a pending snapshot, then the final) replaces it.
    PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX span_seq ON iii_observability.span (seq);
CREATE INDEX span_stored_at ON iii_observability.span (stored_at);

CREATE TABLE iii_observability.log (
    seq             bigserial   PRIMARY KEY,
    timestamp_ns    bigint      NOT NULL,
    trace_id        text,
    span_id         text,
    severity_number integer     NOT NULL,
    severity_text   text        NOT NULL,
    doc             jsonb       NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX log_timestamp ON iii_observability.log (timestamp_ns);
CREATE INDEX log_trace ON iii_observability.log (trace_id);
CREATE INDEX log_stored_at ON iii_observability.log (stored_at);

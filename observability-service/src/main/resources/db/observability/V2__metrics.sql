-- SDK metrics (OTLP/JSON over /otel MTRC frames): one row per metric of an export, stamped with the
-- time it was ingested (as the reference stamps it), its data points inside doc.
CREATE TABLE iii_observability.metric (
    seq          bigserial   PRIMARY KEY,
    name         text        NOT NULL,
    timestamp_ns bigint      NOT NULL,
    doc          jsonb       NOT NULL,
    stored_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX metric_timestamp ON iii_observability.metric (timestamp_ns);
CREATE INDEX metric_name_timestamp ON iii_observability.metric (name, timestamp_ns);
CREATE INDEX metric_stored_at ON iii_observability.metric (stored_at);

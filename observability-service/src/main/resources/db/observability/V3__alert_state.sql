-- The state of each alert rule, shared by every replica: whichever replica evaluates (one at a
-- time, under an advisory lock) sees when a rule last fired, so a cooldown holds cluster-wide and
-- an action is taken once, not once per replica.
CREATE TABLE iii_observability.alert_state (
    name           text             PRIMARY KEY,
    firing         boolean          NOT NULL,
    last_evaluated bigint           NOT NULL,
    last_triggered bigint,
    current_value  double precision,
    threshold      double precision NOT NULL,
    operator       text             NOT NULL
);

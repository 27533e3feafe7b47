-- The writer's W3C trace context, kept with its outbox row so that the trigger calls made after
-- commit continue the writer's trace. SQL NULL: the writer sent none. Existing rows keep NULL.
ALTER TABLE iii_stream.event ADD COLUMN traceparent text, ADD COLUMN baggage text;

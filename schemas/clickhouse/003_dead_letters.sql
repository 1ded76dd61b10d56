-- Events that could not be accepted or loaded, with the reason, so nothing is dropped silently.
-- Written by the collector (validation) and the loader (rows it cannot convert).
-- Kept 90 days: this is an operational table, not history.
CREATE TABLE IF NOT EXISTS clickstream.dead_letters
(
    received_at     DateTime64(3, 'UTC'),
    site_id         LowCardinality(String),
    stage           LowCardinality(String) COMMENT 'collector or loader',
    event_index     Int32 COMMENT 'position in the request batch; -1 when not from a request',
    event_id        String COMMENT 'as sent, possibly invalid',
    event_type      String COMMENT 'as sent, possibly invalid',
    field           String COMMENT 'the offending field, dotted path; empty for the whole event',
    reason          String,
    payload         String COMMENT 'the event as received, JSON, truncated to 64 KiB',
    kafka_topic     LowCardinality(String),
    kafka_partition Int32 DEFAULT -1,
    kafka_offset    Int64 DEFAULT -1
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (site_id, received_at)
TTL toDateTime(received_at) + INTERVAL 90 DAY;

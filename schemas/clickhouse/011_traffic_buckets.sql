-- Pre-aggregated traffic: per site, 15 minutes, event type, channel and device class, the set of
-- event ids and the set of visitor ids, kept up to date by ClickHouse at insert time. Dashboards
-- that chart events and visitors per day read the views traffic / traffic_totals over this
-- instead of rescanning raw events on every refresh.
--
-- Deduplication: the states are exact distinct counts (uniqExact) of event_id, so an event
-- delivered twice, or inserted twice, counts once within any range the views merge; the backfill
-- of existing events below may run again safely. (A resent copy with a different time, from a
-- client clock more than 5 s off, may fall into another bucket; each bucket still counts it once.)
-- 15-minute UTC buckets: every time-zone offset in use is a multiple of 15 minutes, so the days,
-- weeks and months of any site's time zone are unions of buckets, also after a zone change.
CREATE TABLE IF NOT EXISTS clickstream.traffic_buckets
(
    site_id      LowCardinality(String),
    bucket       DateTime('UTC') COMMENT 'start of the 15-minute interval (UTC)',
    type         LowCardinality(String),
    channel      LowCardinality(String),
    device_class LowCardinality(String),
    events       AggregateFunction(uniqExact, UUID) COMMENT 'distinct event ids',
    visitor_ids  AggregateFunction(uniqExact, String)
        COMMENT 'distinct visitor ids: the anonymous id, or u:<user_id> for events without one'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (site_id, bucket, type, channel, device_class);

CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream.traffic_buckets_mv
TO clickstream.traffic_buckets
AS SELECT
    site_id, toStartOfFifteenMinutes(ts) AS bucket, type, channel, device_class,
    uniqExactState(event_id) AS events,
    uniqExactState(if(anonymous_id != '', anonymous_id, concat('u:', user_id))) AS visitor_ids
FROM clickstream.events
GROUP BY site_id, bucket, type, channel, device_class;

-- Events stored before this migration (idempotent, see above).
INSERT INTO clickstream.traffic_buckets
SELECT
    site_id, toStartOfFifteenMinutes(ts) AS bucket, type, channel, device_class,
    uniqExactState(event_id) AS events,
    uniqExactState(if(anonymous_id != '', anonymous_id, concat('u:', user_id))) AS visitor_ids
FROM clickstream.events
GROUP BY site_id, bucket, type, channel, device_class;

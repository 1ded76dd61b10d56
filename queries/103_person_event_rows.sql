-- person_event_rows: every stored row of the raw event table with the person it belongs to, not
-- deduplicated: an event delivered twice is two rows until ClickHouse merges them.
-- Answers nothing by itself. It is the cheap base of views whose answers a resent copy cannot
-- change (whether something happened, first and last times, distinct event ids, arrays that are
-- deduplicated by event_id), so they skip the FINAL merge that person_events pays on every read.
-- The person is the same as in person_events.
-- Columns: all columns of clickstream.events, plus
--   person   'u:<user_id>' or 'a:<anonymous_id>' (see person_events)
--   ts_ms    event time in epoch milliseconds (UInt64)
CREATE OR REPLACE VIEW clickstream.person_event_rows AS
SELECT
    e.*,
    multiIf(
        e.user_id != '', concat('u:', e.user_id),
        m.user_id != '', concat('u:', m.user_id),
        concat('a:', e.anonymous_id)
    ) AS person,
    toUInt64(toUnixTimestamp64Milli(e.ts)) AS ts_ms
FROM clickstream.events AS e
LEFT JOIN clickstream.identity_map AS m
    ON m.site_id = e.site_id AND m.anonymous_id = e.anonymous_id
SETTINGS join_use_nulls = 0;

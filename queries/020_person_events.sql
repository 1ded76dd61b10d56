-- person_events: every event once (deduplicated by event_id), with the person it belongs to.
-- Answers: the base of every other view. A person is 'u:<user_id>' when the event carries a user
-- id or its anonymous id has been linked to one (so a visitor's anonymous history counts for the
-- user), otherwise 'a:<anonymous_id>'.
-- Columns: all columns of clickstream.events, plus
--   person   the person key described above
--   ts_ms    event time in epoch milliseconds (UInt64), for window arithmetic
CREATE OR REPLACE VIEW clickstream.person_events AS
SELECT
    e.*,
    multiIf(
        e.user_id != '', concat('u:', e.user_id),
        m.user_id != '', concat('u:', m.user_id),
        concat('a:', e.anonymous_id)
    ) AS person,
    toUInt64(toUnixTimestamp64Milli(e.ts)) AS ts_ms
FROM clickstream.events AS e FINAL
LEFT JOIN clickstream.identity_map AS m
    ON m.site_id = e.site_id AND m.anonymous_id = e.anonymous_id
SETTINGS join_use_nulls = 0;

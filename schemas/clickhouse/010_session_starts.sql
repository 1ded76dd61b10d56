-- Pre-aggregated sessions: each session's first page view (its landing: channel, UTM, device),
-- kept up to date by ClickHouse at insert time, so the funnel breakdowns by channel, campaign,
-- device and new-vs-returning visitor read this instead of rescanning raw page views.
--
-- One row per (site, session, anonymous id, user id) after merges: a session whose visitor logs
-- in has a row for before and one for after, so each person's first page view is here too.
-- The first page view is the least (time, event_id, ...) tuple: min needs no state to merge
-- (so reading it is cheap), and a resent page view changes nothing, nor does a page view
-- inserted twice, so the backfill of existing events below may run again safely.
CREATE TABLE IF NOT EXISTS clickstream.session_starts
(
    site_id         LowCardinality(String),
    session_id      String,
    anonymous_id    String,
    user_id         String,
    first_page_view SimpleAggregateFunction(min,
        Tuple(DateTime64(3, 'UTC'), UUID, String, String, String, String, String))
        COMMENT 'the first page view: min of (ts, event_id, channel, utm_source, utm_medium, utm_campaign, device_class)'
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, session_id, anonymous_id, user_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream.session_starts_mv
TO clickstream.session_starts
AS SELECT
    site_id, session_id, anonymous_id, user_id,
    min((ts, event_id, channel, utm_source, utm_medium, utm_campaign, device_class))
        AS first_page_view
FROM clickstream.events
WHERE type = 'page_view'
GROUP BY site_id, session_id, anonymous_id, user_id;

-- Events stored before this migration (idempotent, see above).
INSERT INTO clickstream.session_starts
SELECT
    site_id, session_id, anonymous_id, user_id,
    min((ts, event_id, channel, utm_source, utm_medium, utm_campaign, device_class))
        AS first_page_view
FROM clickstream.events
WHERE type = 'page_view'
GROUP BY site_id, session_id, anonymous_id, user_id;

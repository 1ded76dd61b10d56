-- Pre-aggregated session landings: each session's first page view with what acquisition reports
-- credit (channel, UTM tags, referring domain, path), kept up to date by ClickHouse at insert
-- time. `session_landings`, and with it acquisition_sources (whose first touch looks at all of
-- a person's history), read this instead of rescanning every page view ever stored on each
-- refresh.
--
-- One row per (site, session, anonymous id, user id) after merges, as in session_starts; the
-- person is resolved when read. Page views without a session_id are not here: their sessions
-- come from time gaps between a person's page views, which only a read of those page views
-- can tell (session_landings does). The landing is the least (time, event_id as text, ...)
-- tuple, the order every view uses; min needs no state to merge, and a resent or re-inserted
-- page view changes nothing, so the backfill below may run again safely.
CREATE TABLE IF NOT EXISTS clickstream.session_landing_pages
(
    site_id      LowCardinality(String),
    session_id   String,
    anonymous_id String,
    user_id      String,
    landing      SimpleAggregateFunction(min,
        Tuple(DateTime64(3, 'UTC'), String, String, String, String, String, String, String))
        COMMENT 'the first page view: min of (ts, event_id as text, channel, utm_source, utm_medium, utm_campaign, referrer_domain, path)'
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, session_id, anonymous_id, user_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream.session_landing_pages_mv
TO clickstream.session_landing_pages
AS SELECT
    site_id, session_id, anonymous_id, user_id,
    min((ts, toString(event_id), toString(channel), toString(utm_source), toString(utm_medium),
         toString(utm_campaign), toString(referrer_domain), path)) AS landing
FROM clickstream.events
WHERE type = 'page_view' AND session_id != ''
GROUP BY site_id, session_id, anonymous_id, user_id;

-- Events stored before this migration (idempotent, see above).
INSERT INTO clickstream.session_landing_pages
SELECT
    site_id, session_id, anonymous_id, user_id,
    min((ts, toString(event_id), toString(channel), toString(utm_source), toString(utm_medium),
         toString(utm_campaign), toString(referrer_domain), path)) AS landing
FROM clickstream.events
WHERE type = 'page_view' AND session_id != ''
GROUP BY site_id, session_id, anonymous_id, user_id;

-- session_landings: where each session came from, by its landing page view.
-- Answers: how did a visit arrive (channel, UTM tags, referring domain)? A session is a person's
-- session_id; its landing is its first page_view (event time, then event_id as text). Page views
-- without a session_id are sessioned as in `visits`: a person's such page views in time order,
-- a new session once 30 minutes have passed since the previous one. Sessions without a page view
-- have no landing and are not listed.
-- Columns:
--   site_id, person (see person_events), session_id (for page views without one: the
--                     event_id of the session's first page view)
--   landed_at         time of the landing page view (UTC)
--   landing_ms        the same in epoch milliseconds (UInt64)
--   landing_event_id  event_id of the landing page view, as text (breaks ties between sessions)
--   channel           direct, search, social, email, paid, referral, internal
--   utm_source, utm_medium, utm_campaign   UTM tags of the landing page ('' when absent)
--   referrer_domain   domain of the landing page's referrer ('' when none)
--   landing_path      path of the landing page
CREATE OR REPLACE VIEW clickstream.session_landings AS
WITH 1800000 AS session_timeout_ms
SELECT
    site_id,
    person,
    landed.1 AS session_id,
    fromUnixTimestamp64Milli(toInt64(landed.2), 'UTC') AS landed_at,
    landed.2 AS landing_ms,
    landed.3.1 AS landing_event_id,
    landed.3.2 AS channel,
    landed.3.3 AS utm_source,
    landed.3.4 AS utm_medium,
    landed.3.5 AS utm_campaign,
    landed.3.6 AS referrer_domain,
    landed.3.7 AS landing_path
FROM
(
    -- one row per session_id; the page views without one are one row per person here, split
    -- into sessions by time below (one scan of person_events for both)
    SELECT
        site_id,
        person,
        session_id,
        min(ts_ms) AS first_ms,
        -- with a session_id: the landing page view's fields at once (one argMin, not one per
        -- column)
        argMinIf(landing_fields, (ts_ms, toString(event_id)), session_id != '') AS first_landing,
        -- without a session_id: each person's such page views in (time, event_id) order,
        -- split where 30 minutes or more passed since the previous one
        arraySort(groupArrayIf((ts_ms, landing_fields), session_id = '')) AS views,
        arraySplit((view, previous) -> view.1 - previous.1 >= session_timeout_ms, views,
                   arraySlice(arrayPushFront(views, views[1]), 1, length(views))) AS runs,
        -- each session as (session key, landing ms, landing fields)
        if(session_id = '', arrayMap(run -> (run[1].2.1, run[1].1, run[1].2), runs),
           [(session_id, first_ms, first_landing)]) AS sessions
    FROM
    (
        SELECT
            site_id, person, session_id, ts_ms, event_id,
            (toString(event_id), toString(channel), toString(utm_source), toString(utm_medium),
             toString(utm_campaign), toString(referrer_domain), path) AS landing_fields
        FROM clickstream.person_events
        WHERE type = 'page_view'
    )
    GROUP BY site_id, person, session_id
)
ARRAY JOIN sessions AS landed;

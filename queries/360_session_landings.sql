-- session_landings: where each session came from, by its landing page view.
-- Answers: how did a visit arrive (channel, UTM tags, referring domain)? A session is a person's
-- session_id; its landing is its first page_view (event time, then event_id as text). Page views
-- without a session_id are sessioned as in `visits`: a person's such page views in time order,
-- a new session once 30 minutes have passed since the previous one. Sessions without a page view
-- have no landing and are not listed.
-- Sessions with a session_id come pre-aggregated from session_landing_pages (a row per session
-- and visitor ids); only the page views without one are read here, to cut them into sessions.
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
-- sessions with a session_id: the least landing of their rows (before and after a login are
-- two rows of one person's session)
SELECT
    site_id,
    person,
    session_id,
    landing.1 AS landed_at,
    toUInt64(toUnixTimestamp64Milli(landing.1)) AS landing_ms,
    landing.2 AS landing_event_id,
    landing.3 AS channel,
    landing.4 AS utm_source,
    landing.5 AS utm_medium,
    landing.6 AS utm_campaign,
    landing.7 AS referrer_domain,
    landing.8 AS landing_path
FROM
(
    SELECT
        l.site_id AS site_id,
        multiIf(l.user_id != '', concat('u:', l.user_id),
                m.user_id != '', concat('u:', m.user_id),
                concat('a:', l.anonymous_id)) AS person,
        l.session_id AS session_id,
        min(l.landing) AS landing
    FROM clickstream.session_landing_pages AS l
    LEFT JOIN clickstream.identity_map AS m
        ON m.site_id = l.site_id AND m.anonymous_id = l.anonymous_id
    GROUP BY site_id, person, session_id
    SETTINGS join_use_nulls = 0
)
UNION ALL
-- page views without a session_id: each person's in (time, event_id) order, a new session
-- where 30 minutes or more passed since the previous one; the session is named by the
-- event_id of its first page view
SELECT
    site_id,
    person,
    landed.2.1 AS session_id,
    fromUnixTimestamp64Milli(toInt64(landed.1), 'UTC') AS landed_at,
    landed.1 AS landing_ms,
    landed.2.1 AS landing_event_id,
    landed.2.2 AS channel,
    landed.2.3 AS utm_source,
    landed.2.4 AS utm_medium,
    landed.2.5 AS utm_campaign,
    landed.2.6 AS referrer_domain,
    landed.2.7 AS landing_path
FROM
(
    SELECT
        site_id,
        person,
        arraySort(groupArray((ts_ms, landing_fields))) AS views,
        arraySplit((view, previous) -> view.1 - previous.1 >= session_timeout_ms, views,
                   arraySlice(arrayPushFront(views, views[1]), 1, length(views))) AS runs
    FROM
    (
        -- person_events' rows, read here so that PREWHERE picks the page views without a
        -- session_id before FINAL merges copies (copies of one event never differ in type or
        -- session_id): a shop whose page views all carry one pays almost nothing for this part
        SELECT
            e.site_id AS site_id,
            multiIf(e.user_id != '', concat('u:', e.user_id),
                    m.user_id != '', concat('u:', m.user_id),
                    concat('a:', e.anonymous_id)) AS person,
            toUInt64(toUnixTimestamp64Milli(e.ts)) AS ts_ms,
            (toString(e.event_id), toString(e.channel), toString(e.utm_source),
             toString(e.utm_medium), toString(e.utm_campaign), toString(e.referrer_domain),
             e.path) AS landing_fields
        FROM
        (
            SELECT site_id, anonymous_id, user_id, ts, event_id, channel, utm_source,
                   utm_medium, utm_campaign, referrer_domain, path
            FROM clickstream.events FINAL
            PREWHERE type = 'page_view' AND session_id = ''
        ) AS e
        LEFT JOIN clickstream.identity_map AS m
            ON m.site_id = e.site_id AND m.anonymous_id = e.anonymous_id
        SETTINGS join_use_nulls = 0
    )
    GROUP BY site_id, person
)
ARRAY JOIN arrayMap(run -> run[1], runs) AS landed;

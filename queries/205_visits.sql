-- visits: one row per visit that landed in the period (the stranger stage's unit of traffic).
-- Answers: "who came, when, from where, and how deep did they go?" A visit is a person's session:
-- their page views sharing a session_id. Page views without one (Segment's libraries and server
-- events send none) are sessioned by the rule the snippet's session cookie follows: a person's
-- such page views in time order (then event_id), a new session once 30 minutes have passed
-- since the previous one. A visit belongs to the period its first page view (the landing) falls
-- in, and its depth counts all its page views, also those after date_to. Sessions are taken to
-- last under a day: page views are read from a day before to a day after the period. Page views
-- count once per event_id; visitors are persons.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time zone
-- Columns:
--   person        person key (see person_events)
--   session_id    the session id; for page views without one, the event_id of the session's
--                 first page view
--   landed_at     time of the landing page view, UTC
--   landed_ms     the same, epoch milliseconds (UInt64)
--   page_views    page views of the visit (1 = a bounce, "first click then leave")
--   channel, utm_source, utm_medium, utm_campaign   of the landing page view
CREATE OR REPLACE VIEW clickstream.visits AS
WITH
    (SELECT (from_ms, to_ms) FROM clickstream.stage_period(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}))
        AS period,
    86400000 AS longest_session_ms,
    1800000 AS session_timeout_ms
SELECT
    person,
    if(session_id = '', visit.2, session_id) AS session_id,
    fromUnixTimestamp64Milli(toInt64(visit.1), 'UTC') AS landed_at,
    visit.1 AS landed_ms,
    toUInt64(visit.3) AS page_views,
    visit.4.1 AS channel,
    visit.4.2 AS utm_source,
    visit.4.3 AS utm_medium,
    visit.4.4 AS utm_campaign
FROM
(
    -- one row per session_id; the page views without one are one row per person here, split
    -- into sessions by time (one scan of person_events for both)
    SELECT
        person,
        session_id,
        -- with a session_id: (landing ms, landing event, page views, landing fields)
        (min(ts_ms), '', count(), argMinIf(landing_fields, (ts_ms, toString(event_id)),
                                           session_id != '')) AS whole,
        -- without: each person's such page views in (time, event_id) order, split where
        -- 30 minutes or more passed since the previous one
        arraySort(groupArrayIf((ts_ms, toString(event_id), landing_fields), session_id = ''))
            AS views,
        arraySplit((view, previous) -> view.1 - previous.1 >= session_timeout_ms, views,
                   arraySlice(arrayPushFront(views, views[1]), 1, length(views))) AS runs,
        if(session_id = '',
           arrayMap(run -> (run[1].1, run[1].2, toUInt64(length(run)), run[1].3), runs),
           [whole]) AS sessions
    FROM
    (
        SELECT
            person, session_id, ts_ms, event_id,
            (toString(channel), toString(utm_source), toString(utm_medium),
             toString(utm_campaign)) AS landing_fields
        FROM clickstream.person_events
        WHERE site_id = {site:String} AND type = 'page_view'
          AND ts_ms >= period.1 - longest_session_ms AND ts_ms < period.2 + longest_session_ms
    )
    GROUP BY person, session_id
)
ARRAY JOIN sessions AS visit
WHERE landed_ms >= period.1 AND landed_ms < period.2;

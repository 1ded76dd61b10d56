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
    session_key AS session_id,
    fromUnixTimestamp64Milli(toInt64(landed_ms), 'UTC') AS landed_at,
    landed_ms,
    page_views,
    landing.1 AS channel,
    landing.2 AS utm_source,
    landing.3 AS utm_medium,
    landing.4 AS utm_campaign
FROM
(
    SELECT
        person,
        session_id AS session_key,
        min(ts_ms) AS landed_ms,
        toUInt64(count()) AS page_views,
        argMin((toString(channel), toString(utm_source), toString(utm_medium),
                toString(utm_campaign)), (ts_ms, toString(event_id))) AS landing
    FROM clickstream.person_events
    WHERE site_id = {site:String} AND type = 'page_view' AND session_id != ''
      AND ts_ms >= period.1 - longest_session_ms AND ts_ms < period.2 + longest_session_ms
    GROUP BY person, session_key
    UNION ALL
    -- page views without a session_id: each person's in (time, event_id) order, split where
    -- 30 minutes or more passed since the previous one
    SELECT
        person,
        run[1].2 AS session_key,
        run[1].1 AS landed_ms,
        toUInt64(length(run)) AS page_views,
        run[1].3 AS landing
    FROM
    (
        SELECT
            person,
            arraySort(groupArray((ts_ms, toString(event_id),
                                  (toString(channel), toString(utm_source),
                                   toString(utm_medium), toString(utm_campaign))))) AS views,
            arraySplit((view, previous) -> view.1 - previous.1 >= session_timeout_ms,
                       views, arrayPushFront(arrayPopBack(views), views[1])) AS runs
        FROM clickstream.person_events
        WHERE site_id = {site:String} AND type = 'page_view' AND session_id = ''
          AND ts_ms >= period.1 - longest_session_ms AND ts_ms < period.2 + longest_session_ms
        GROUP BY person
    )
    ARRAY JOIN runs AS run
)
WHERE landed_ms >= period.1 AND landed_ms < period.2;

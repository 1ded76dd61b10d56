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
SELECT
    site_id,
    person,
    session_id,
    landed_at,
    landing_ms,
    tupleElement(landing, 1) AS landing_event_id,
    tupleElement(landing, 2) AS channel,
    tupleElement(landing, 3) AS utm_source,
    tupleElement(landing, 4) AS utm_medium,
    tupleElement(landing, 5) AS utm_campaign,
    tupleElement(landing, 6) AS referrer_domain,
    tupleElement(landing, 7) AS landing_path
FROM
(
    SELECT
        site_id,
        person,
        session_id,
        min(ts) AS landed_at,
        min(ts_ms) AS landing_ms,
        -- the landing page view's fields at once: one argMin instead of one per column
        argMin((toString(event_id), toString(channel), toString(utm_source),
                toString(utm_medium), toString(utm_campaign), toString(referrer_domain), path),
               (ts_ms, toString(event_id))) AS landing
    FROM clickstream.person_events
    WHERE type = 'page_view' AND session_id != ''
    GROUP BY site_id, person, session_id
    UNION ALL
    -- page views without a session_id: each person's in (time, event_id) order, split where
    -- 30 minutes or more passed since the previous one; a session lands on its first
    SELECT
        site_id,
        person,
        run[1].2.1 AS session_id,
        fromUnixTimestamp64Milli(toInt64(run[1].1), 'UTC') AS landed_at,
        run[1].1 AS landing_ms,
        run[1].2 AS landing
    FROM
    (
        SELECT
            site_id,
            person,
            arraySort(groupArray((ts_ms, (toString(event_id), toString(channel),
                                          toString(utm_source), toString(utm_medium),
                                          toString(utm_campaign), toString(referrer_domain),
                                          path)))) AS views,
            arraySplit((view, previous) -> view.1 - previous.1 >= 1800000,
                       views, arrayPushFront(arrayPopBack(views), views[1])) AS runs
        FROM clickstream.person_events
        WHERE type = 'page_view' AND session_id = ''
        GROUP BY site_id, person
    )
    ARRAY JOIN runs AS run
);

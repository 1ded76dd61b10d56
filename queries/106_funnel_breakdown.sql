-- funnel_breakdown: the ordered funnel split by one property of each visitor's chain.
-- Answers: where do visitors drop out, per day/week/month, per channel, per campaign, per device
-- class, for new against returning visitors? Each person counts once, in the group of the chain
-- funnel_chains found for them, so the groups of one dimension add up to the funnel.
-- The named views funnel, funnel_by_period, funnel_by_channel, funnel_by_campaign,
-- funnel_by_device and funnel_by_visitor_type read this with their dimension.
--
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), window_seconds
-- UInt32, dimension String, one of
--   'all'           one group, value ''
--   'day', 'week', 'month'  the site-local day, week (starting Monday) or month of the chain's
--                   first step, as its first day 'YYYY-MM-DD'
--   'channel'       the channel of the landing page (the first page view) of the session the
--                   chain started in: direct, search, social, email, paid, referral, internal
--   'campaign'      that landing page's utm_campaign ('' when it had none)
--   'device'        that landing page's device class: desktop, mobile, tablet, bot, other
--   'visitor_type'  'returning' when the person had a page view at an earlier time than the
--                   chain's start (at any time, also before date_from), else 'new'
-- Landing pages and first page views come from the pre-aggregated session_starts table; for a
-- chain that started on a page view without a session_id, from the raw page views of the day
-- before the period on: the first page view of its time session (see funnel_chains).
-- Columns (rows ordered by value, then step; a value without chains has no rows):
--   value                         the group, as text (see above)
--   step, step_name ... p90_seconds_from_previous   as in funnel, within the group
CREATE OR REPLACE VIEW clickstream.funnel_breakdown AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    {dimension:String} AS dimension,
    1800000 AS session_timeout_ms,
    toUInt64(bitAnd(cityHash64(''), bitShiftLeft(toUInt64(1), 57) - 1)) AS sessionless_hash,
    -- the same scalar in every funnel view: computed once per query
    assumeNotNull((SELECT (types, masks, user_id_mask, step_names)
                   FROM clickstream.funnel_step_masks)).4 AS step_names,
    landings AS
    (
        -- each session's landing, by its session_id's hash
        SELECT
            toUInt64(bitAnd(cityHash64(session_id), bitShiftLeft(toUInt64(1), 57) - 1))
                AS landing_key,
            -- the dimension's field of the first page view, picked by (time, event_id) as the
            -- least whole tuple would be; reads three of its seven subcolumns
            min((first_page_view.1, first_page_view.2,
                 multiIf(dimension = 'channel', first_page_view.3,
                         dimension = 'campaign', first_page_view.6,
                         first_page_view.7))).3 AS landing_value
        FROM clickstream.session_starts
        WHERE site_id = {site:String} AND dimension IN ('channel', 'campaign', 'device')
          AND session_id != ''
        GROUP BY session_id
    ),
    time_sessions AS
    (
        -- page views without a session_id, sessioned by time as in funnel_chains: per person,
        -- each session's (first page view's ms, the dimension's field of it), in time order.
        -- Read from a day before the period (sessions are taken to last under a day).
        SELECT
            person,
            arrayMap(run -> (run[1].1, run[1].3),
                     arraySplit((view, previous) -> view.1 - previous.1 >= session_timeout_ms,
                                views, arraySlice(arrayPushFront(views, views[1]), 1,
                                                  length(views))))
                AS sessions
        FROM
        (
            SELECT
                person,
                -- in (time, event_id) order, each page view once (its earliest copy)
                arrayFilter((v, k) -> k = 1, sorted, arrayEnumerateUniq(arrayMap(v -> v.2, sorted)))
                    AS views
            FROM
            (
                -- grouped by visitor ids first, then by person: cheaper than a person per row
                SELECT
                    if(g.user_id != '', concat('u:', g.user_id),
                       if(m.user_id != '', concat('u:', m.user_id), concat('a:', g.anonymous_id)))
                        AS person,
                    arraySort(groupArrayArray(g.views)) AS sorted
                FROM
                (
                    SELECT
                        anonymous_id, user_id,
                        groupArray((toUInt64(toUnixTimestamp64Milli(ts)), toUInt128(event_id),
                                    toString(multiIf(dimension = 'channel', channel,
                                                     dimension = 'campaign', utm_campaign,
                                                     device_class)))) AS views
                    FROM clickstream.events
                    WHERE site_id = {site:String} AND dimension IN ('channel', 'campaign', 'device')
                      AND type = 'page_view' AND session_id = ''
                      AND ts >= toDateTime64(toString({date_from:DateTime}), 3, tz)
                                - toIntervalDay(1)
                      AND ts < toDateTime64(toString({date_to:DateTime}), 3, tz)
                    GROUP BY anonymous_id, user_id
                ) AS g
                LEFT JOIN (SELECT anonymous_id, user_id FROM clickstream.identity_map
                           WHERE site_id = {site:String}) AS m ON m.anonymous_id = g.anonymous_id
                GROUP BY person
                SETTINGS join_use_nulls = 0
            )
        )
    ),
    first_visits AS
    (
        SELECT
            if(s.user_id != '', concat('u:', s.user_id),
               if(m.user_id != '', concat('u:', m.user_id), concat('a:', s.anonymous_id)))
                AS person,
            toUInt64(toUnixTimestamp64Milli(min(s.first_at))) AS first_ms
        FROM
        (
            -- the time alone: reads one subcolumn, not the whole landing tuple
            SELECT anonymous_id, user_id, min(first_page_view.1) AS first_at
            FROM clickstream.session_starts
            WHERE site_id = {site:String} AND dimension = 'visitor_type'
            GROUP BY anonymous_id, user_id
        ) AS s
        LEFT JOIN (SELECT anonymous_id, user_id FROM clickstream.identity_map
                   WHERE site_id = {site:String}) AS m ON m.anonymous_id = s.anonymous_id
        GROUP BY person
    ),
    grouped AS
    (
        SELECT
            c.level AS level,
            -- seconds from each step to the next (0 beyond the level)
            arrayMap(g -> g / 1000, c.gaps_ms) AS gaps,
            fromUnixTimestamp64Milli(toInt64(c.start_ms), tz) AS started,
            multiIf(
                dimension = 'all', '',
                dimension = 'day', toString(toDate(started, tz)),
                dimension = 'week', toString(toMonday(started, tz)),
                dimension = 'month', toString(toStartOfMonth(started, tz)),
                dimension IN ('channel', 'campaign', 'device'),
                if(c.session_hash = sessionless_hash,
                   arrayLast(x -> x.1 <= c.start_ms, t.sessions).2, l.landing_value),
                if(f.first_ms < c.start_ms, 'returning', 'new')) AS value
        FROM clickstream.funnel_chains(site = {site:String}, date_from = {date_from:DateTime},
                                       date_to = {date_to:DateTime},
                                       window_seconds = {window_seconds:UInt32}) AS c
        LEFT ANY JOIN landings AS l ON l.landing_key = c.session_hash
        LEFT ANY JOIN time_sessions AS t ON t.person = c.person
        LEFT ANY JOIN first_visits AS f ON f.person = c.person
        -- checked once, before any row is read (a scalar subquery runs first): a row-level
        -- throwIf here was pushed down to every event row and cost a quarter of the funnel
        WHERE (SELECT throwIf({dimension:String} NOT IN ('all', 'day', 'week', 'month', 'channel',
                                                         'campaign', 'device', 'visitor_type'),
                              'dimension must be all, day, week, month, channel, campaign, '
                              || 'device or visitor_type (funnel_by_period: bucket must be day, '
                              || 'week or month)')) = 0
    ),
    totals AS
    (
        SELECT
            value,
            [count(), countIf(level >= 2), countIf(level >= 3), countIf(level >= 4),
             countIf(level >= 5), countIf(level >= 6)] AS reached,
            [quantileExactInclusiveIf(0.5)(gaps[1], level >= 2),
             quantileExactInclusiveIf(0.5)(gaps[2], level >= 3),
             quantileExactInclusiveIf(0.5)(gaps[3], level >= 4),
             quantileExactInclusiveIf(0.5)(gaps[4], level >= 5),
             quantileExactInclusiveIf(0.5)(gaps[5], level >= 6)] AS medians,
            [quantileExactInclusiveIf(0.9)(gaps[1], level >= 2),
             quantileExactInclusiveIf(0.9)(gaps[2], level >= 3),
             quantileExactInclusiveIf(0.9)(gaps[3], level >= 4),
             quantileExactInclusiveIf(0.9)(gaps[4], level >= 5),
             quantileExactInclusiveIf(0.9)(gaps[5], level >= 6)] AS p90s
        FROM grouped
        GROUP BY value
    )
SELECT
    value,
    toUInt8(step) AS step,
    step_names[step] AS step_name,
    toUInt64(reached[step]) AS visitors,
    toFloat64(if(step = 1, if(visitors > 0, 1, 0), if(reached[step - 1] = 0, 0,
        visitors / reached[step - 1]))) AS conversion_from_previous,
    toFloat64(if(reached[1] = 0, 0, visitors / reached[1])) AS conversion_from_first,
    toUInt64(if(step = 1, 0, reached[step - 1] - visitors)) AS drop_off,
    toFloat64(if(step = 1 OR reached[step - 1] = 0, 0, drop_off / reached[step - 1]))
        AS drop_off_rate,
    if(step = 1 OR visitors = 0, NULL, round(medians[step - 1], 3))
        AS median_seconds_from_previous,
    if(step = 1 OR visitors = 0, NULL, round(p90s[step - 1], 3)) AS p90_seconds_from_previous
FROM totals
ARRAY JOIN [1, 2, 3, 4, 5, 6] AS step
ORDER BY value, step;

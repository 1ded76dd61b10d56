-- funnel_stage_reached: how many visitors did each funnel step's action at all, in any order.
-- Answers: "how many visitors favorited, carted, identified, ordered in the period?" next to the
-- ordered funnel, which counts only what followed a visit in order within a window. A person
-- reached a step when they had an event satisfying it (funnel_steps) in [date_from, date_to)
-- (site time zone); step 2 (engaged) when one of their sessions in the period had a step-1
-- event and another, distinct step-2 event (by default: two distinct page views of one
-- session; page views without a session_id are sessioned by time, as in funnel_chains). Order
-- does not matter here, and resent events change nothing (a copy has the same
-- event_id).
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive)
-- Columns:
--   step             1..6
--   step_name        as in funnel_steps
--   visitors         persons who reached the step in the period
--   active_visitors  persons with an event of any step in the period (the same on every row)
--   share            visitors / active_visitors, 0..1 (0 when nobody was active)
CREATE OR REPLACE VIEW clickstream.funnel_stage_reached AS
WITH
    -- the same scalar in every funnel view: computed once per query
    assumeNotNull((SELECT (types, masks, user_id_mask, step_names)
                   FROM clickstream.funnel_step_masks)).4 AS step_names,
    1800000 AS session_timeout_ms,
    visitor_sessions AS
    (
        -- per visitor ids and session: the steps done; the step-1/2 events' smallest and
        -- largest event_id
        SELECT
            anonymous_id, user_id, session_id,
            groupBitOr(step_bits) AS bits,
            minIf(event_id, bitAnd(step_bits, 3) != 0) AS first_id,
            maxIf(event_id, bitAnd(step_bits, 3) != 0) AS last_id
        FROM clickstream.funnel_events(
            site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
            extra_seconds = 0)
        GROUP BY anonymous_id, user_id, session_id
    ),
    sessions AS
    (
        -- per person and session: engaged when it has a step-1 event and a step-2 event with
        -- two distinct event ids between them
        SELECT
            if(v.user_id != '', concat('u:', v.user_id),
               if(m.user_id != '', concat('u:', m.user_id), concat('a:', v.anonymous_id)))
                AS person,
            groupBitOr(bits) AS session_bits,
            v.session_id != '' AND bitTest(session_bits, 0) AND bitTest(session_bits, 1)
            AND minIf(first_id, bitAnd(bits, 3) != 0) != maxIf(last_id, bitAnd(bits, 3) != 0)
                AS engaged
        FROM visitor_sessions AS v
        LEFT JOIN (SELECT anonymous_id, user_id FROM clickstream.identity_map
                   WHERE site_id = {site:String}) AS m ON m.anonymous_id = v.anonymous_id
        GROUP BY person, v.session_id
        SETTINGS join_use_nulls = 0
    ),
    time_sessions AS
    (
        -- step-1/2 events without a session_id, sessioned by time as in funnel_chains: per
        -- person, whether one of their time sessions has a step-1 and another step-2 event.
        -- A second read of funnel_events: collected inside visitor_sessions instead (an array
        -- on every session's group) it was slower, 3.9 s against 3.4 s on 10 M events.
        SELECT
            person,
            arrayExists(run -> length(run) >= 2 AND arrayExists(e -> bitTest(e.3, 0), run)
                               AND arrayExists(e -> bitTest(e.3, 1), run),
                        arraySplit((e, previous) -> e.1 - previous.1 >= session_timeout_ms,
                                   views, arraySlice(arrayPushFront(views, views[1]), 1,
                                                     length(views))))
                AS engaged
        FROM
        (
            SELECT
                person,
                -- in (time, event_id) order, each event once (its earliest copy)
                arrayFilter((e, k) -> k = 1, sorted, arrayEnumerateUniq(arrayMap(e -> e.2, sorted)))
                    AS views
            FROM
            (
                SELECT
                    if(f.user_id != '', concat('u:', f.user_id),
                       if(m.user_id != '', concat('u:', m.user_id), concat('a:', f.anonymous_id)))
                        AS person,
                    arraySort(groupArray((f.ts_ms, toUInt128(f.event_id), f.step_bits))) AS sorted
                FROM clickstream.funnel_events(
                    site = {site:String}, date_from = {date_from:DateTime},
                    date_to = {date_to:DateTime}, extra_seconds = 0) AS f
                LEFT JOIN (SELECT anonymous_id, user_id FROM clickstream.identity_map
                           WHERE site_id = {site:String}) AS m ON m.anonymous_id = f.anonymous_id
                WHERE f.session_id = '' AND bitAnd(f.step_bits, 3) != 0
                GROUP BY person
                SETTINGS join_use_nulls = 0
            )
        )
    ),
    people AS
    (
        SELECT
            s.person AS person,
            bitOr(groupBitOr(bitOr(bitAnd(s.session_bits, bitNot(toUInt64(2))),
                                   if(s.engaged, 2, 0))),
                  if(any(t.engaged), 2, 0)) AS bits
        FROM sessions AS s
        LEFT ANY JOIN time_sessions AS t ON t.person = s.person
        GROUP BY s.person
        SETTINGS join_use_nulls = 0
    ),
    totals AS
    (
        SELECT
            count() AS active,
            [countIf(bitTest(bits, 0)), countIf(bitTest(bits, 1)), countIf(bitTest(bits, 2)),
             countIf(bitTest(bits, 3)), countIf(bitTest(bits, 4)), countIf(bitTest(bits, 5))]
                AS reached
        FROM people
    )
SELECT
    toUInt8(step) AS step,
    step_names[step] AS step_name,
    toUInt64(reached[step]) AS visitors,
    toUInt64(active) AS active_visitors,
    toFloat64(if(active = 0, 0, visitors / active)) AS share
FROM totals
ARRAY JOIN [1, 2, 3, 4, 5, 6] AS step
ORDER BY step;

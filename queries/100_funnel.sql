-- funnel: where visitors drop out between first click and order (SPEC section 8).
-- Answers: of the visitors who started a visit in [date_from, date_to), how many reached each
-- step, in order, within window_seconds of that first step, and how long each step took.
--
-- The steps (edit them here, in the step conditions below, and nowhere else):
--   1 visit       a page_view                        (the chain starts here, inside the period)
--   2 engaged     a second, distinct page_view in the same session (its absence is the bounce)
--   3 interest    a favorite or add_to_cart
--   4 cart        an add_to_cart
--   5 identified  a register or login, or any event carrying a user_id
--   6 order       an order
-- Each step happens at or after the previous one (event time, then event_id as text); one event may
-- satisfy consecutive steps (an add_to_cart is interest and cart; an order by a logged-in
-- visitor is identified and order), except that engaged needs another page view. A visitor is
-- counted from the first page_view that starts their longest chain. Later steps may fall after
-- date_to, within the window. Events are deduplicated by event_id; visitors are persons.
--
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), window_seconds UInt32
-- Columns:
--   step                          1..6
--   step_name                     visit, engaged, interest, cart, identified, order
--   visitors                      persons who reached the step
--   conversion_from_previous      visitors / visitors of the previous step (1 for step 1), 0..1
--   conversion_from_first         visitors / visitors of step 1, 0..1
--   drop_off                      visitors of the previous step who did not reach this one
--   drop_off_rate                 drop_off / visitors of the previous step, 0..1
--   median_seconds_from_previous  median seconds from the previous step (NULL for step 1)
--   p90_seconds_from_previous     90th percentile of the same (NULL for step 1)
-- Quantiles interpolate linearly between ranks (quantileExactInclusive), rounded to milliseconds.
CREATE OR REPLACE VIEW clickstream.funnel AS
WITH
    toUInt64(toUnixTimestamp64Milli(toDateTime64({date_from:DateTime}, 3, 'UTC'))) AS from_ms,
    toUInt64(toUnixTimestamp64Milli(toDateTime64({date_to:DateTime}, 3, 'UTC'))) AS to_ms,
    toUInt64({window_seconds:UInt32}) * 1000 AS window_ms,
    people AS
    (
        SELECT
            person,
            -- (time ms, event_id, type, session, carries a user id), in event order
            arraySort(
                groupArray((ts_ms, toString(event_id), toString(type), session_id, user_id != ''))
            ) AS ev,
            arrayEnumerate(ev) AS idx,
            arrayFilter(i -> ev[i].3 = 'page_view' AND ev[i].1 >= from_ms AND ev[i].1 < to_ms,
                        idx) AS starts,
            -- step 2: a later page view of the same session
            arrayMap(s -> arrayFirstIndex(
                (x, i) -> i > s AND x.3 = 'page_view' AND x.4 = ev[s].4
                          AND x.1 <= ev[s].1 + window_ms, ev, idx), starts) AS p2,
            -- step 3: interest, after step 2
            arrayMap((s, p) -> if(p = 0, 0, arrayFirstIndex(
                (x, i) -> i > p AND x.3 IN ('favorite', 'add_to_cart')
                          AND x.1 <= ev[s].1 + window_ms, ev, idx)), starts, p2) AS p3,
            -- step 4: cart, at or after step 3 (the same add_to_cart may be both)
            arrayMap((s, p) -> if(p = 0, 0, arrayFirstIndex(
                (x, i) -> i >= p AND x.3 = 'add_to_cart'
                          AND x.1 <= ev[s].1 + window_ms, ev, idx)), starts, p3) AS p4,
            -- step 5: identified, at or after step 4
            arrayMap((s, p) -> if(p = 0, 0, arrayFirstIndex(
                (x, i) -> i >= p AND (x.3 IN ('register', 'login') OR x.5)
                          AND x.1 <= ev[s].1 + window_ms, ev, idx)), starts, p4) AS p5,
            -- step 6: order, at or after step 5
            arrayMap((s, p) -> if(p = 0, 0, arrayFirstIndex(
                (x, i) -> i >= p AND x.3 = 'order'
                          AND x.1 <= ev[s].1 + window_ms, ev, idx)), starts, p5) AS p6,
            arrayMap((a, b, c, d, e) -> 1 + (a > 0) + (b > 0) + (c > 0) + (d > 0) + (e > 0),
                     p2, p3, p4, p5, p6) AS levels,
            arrayFirstIndex(l -> l = arrayMax(levels), levels) AS best,
            levels[best] AS level,
            [starts[best], p2[best], p3[best], p4[best], p5[best], p6[best]] AS chain,
            arrayMap(k -> if(k <= level, toInt64(ev[chain[k]].1) - toInt64(ev[chain[k - 1]].1),
                             0) / 1000, [2, 3, 4, 5, 6]) AS seconds
        FROM clickstream.person_events
        WHERE site_id = {site:String}
          AND ts_ms >= from_ms AND ts_ms < to_ms + window_ms
        GROUP BY person
        HAVING length(starts) > 0
    ),
    totals AS
    (
        SELECT
            [count(), countIf(level >= 2), countIf(level >= 3), countIf(level >= 4),
             countIf(level >= 5), countIf(level >= 6)] AS reached,
            [quantileExactInclusiveIf(0.5)(seconds[1], level >= 2),
             quantileExactInclusiveIf(0.5)(seconds[2], level >= 3),
             quantileExactInclusiveIf(0.5)(seconds[3], level >= 4),
             quantileExactInclusiveIf(0.5)(seconds[4], level >= 5),
             quantileExactInclusiveIf(0.5)(seconds[5], level >= 6)] AS medians,
            [quantileExactInclusiveIf(0.9)(seconds[1], level >= 2),
             quantileExactInclusiveIf(0.9)(seconds[2], level >= 3),
             quantileExactInclusiveIf(0.9)(seconds[3], level >= 4),
             quantileExactInclusiveIf(0.9)(seconds[4], level >= 5),
             quantileExactInclusiveIf(0.9)(seconds[5], level >= 6)] AS p90s
        FROM people
    )
SELECT
    toUInt8(step) AS step,
    ['visit', 'engaged', 'interest', 'cart', 'identified', 'order'][step] AS step_name,
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
ORDER BY step;

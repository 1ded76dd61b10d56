-- abandonment: of the visitors who took a step towards buying, how many did not order in time
-- (the base of cart_abandonment and checkout_abandonment).
-- Answers: per step, how many persons took it in the period, and how many of them placed an
-- order within window_seconds after one of those events (the order may fall after date_to)?
-- Orders count once per order_id, at the time of their first event (the `orders` view); events
-- once per event_id; visitors are persons.
-- The steps (edit them here): 'cart' = add_to_cart, 'checkout' = checkout_start.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time
--   zone; window_seconds UInt32
-- Columns:
--   step                'cart', 'checkout' (every step is listed)
--   started_visitors    persons who took the step in the period
--   ordered_visitors    of those, persons with an order within the window after the step
--   abandoned_visitors  started_visitors - ordered_visitors
--   abandonment_rate    abandoned_visitors / started_visitors, 0..1 (0 when nobody started)
CREATE OR REPLACE VIEW clickstream.abandonment AS
WITH
    (SELECT (from_ms, to_ms) FROM clickstream.stage_period(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}))
        AS period,
    toUInt64({window_seconds:UInt32}) * 1000 AS window_ms,
    [('cart', 'add_to_cart'), ('checkout', 'checkout_start')] AS steps,
    order_times AS
    (
        SELECT person, groupArray(toUInt64(toUnixTimestamp64Milli(ordered_at))) AS times
        FROM clickstream.orders
        WHERE site_id = {site:String}
          AND toUnixTimestamp64Milli(ordered_at) >= period.1
          AND toUnixTimestamp64Milli(ordered_at) < period.2 + window_ms
        GROUP BY person
    ),
    started AS
    (
        SELECT
            person,
            -- per step: (step, the person's event times of that step in the period)
            arrayMap(s -> (s.1, arrayFilter((t, k) -> k = s.2, times, kinds)), steps)
                AS per_step
        FROM
        (
            SELECT person, groupArray(ts_ms) AS times, groupArray(toString(type)) AS kinds
            FROM clickstream.person_events
            WHERE site_id = {site:String} AND ts_ms >= period.1 AND ts_ms < period.2
              AND type IN arrayMap(s -> s.2, steps)
            GROUP BY person
        )
    ),
    outcomes AS
    (
        SELECT
            step_times.1 AS step,
            count() AS started_visitors,
            -- ordered in time: the first order at or after one of the step's events lies within
            -- the window. Found on one time line of both (the events first at equal times),
            -- filled backward from each order: linear, where testing every pair of event and
            -- order was quadratic (37 500 carts and orders of one reseller needed 27 GB)
            countIf(arrayExists((e, next) -> e.2 = 0 AND next.2 = 1
                                             AND next.1 <= e.1 + window_ms,
                                line, arrayReverseFill(e -> e.2 = 1, line))) AS ordered_visitors
        FROM
        (
            SELECT
                step_times,
                arraySort(arrayConcat(arrayMap(t -> (t, 0), step_times.2),
                                      arrayMap(t -> (t, 1), o.times))) AS line
            FROM started AS s
            LEFT JOIN order_times AS o ON o.person = s.person
            ARRAY JOIN s.per_step AS step_times
            WHERE length(step_times.2) > 0
        )
        GROUP BY step
    )
SELECT
    s.1 AS step,
    toUInt64(coalesce(c.started_visitors, 0)) AS started_visitors,
    toUInt64(coalesce(c.ordered_visitors, 0)) AS ordered_visitors,
    toUInt64(started_visitors - ordered_visitors) AS abandoned_visitors,
    toFloat64(if(started_visitors = 0, 0, abandoned_visitors / started_visitors))
        AS abandonment_rate
FROM (SELECT arrayJoin(steps) AS s) AS listed
LEFT JOIN outcomes AS c ON c.step = listed.s.1
ORDER BY indexOf(arrayMap(x -> x.1, steps), step)
SETTINGS join_use_nulls = 0;

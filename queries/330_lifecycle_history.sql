-- lifecycle_history: every visitor's customer lifecycle segment at date_from and at every month
-- start after it up to date_to (site time zone): the base of the lifecycle views.
-- Answers: which segment was each person in at each of these moments? A moment counts the
-- events before it; a person appears from the first moment after their first event.
-- Segments, decided in this order (SPEC section 8):
--   buyers (an order before the moment; orders count once per order_id, at the time of their
--   earliest event, see `orders`):
--     churned     the moment lies past the churn line after the last order: twice the person's
--                 own median interval between orders, or one_time_churn_days for one-time buyers
--     loyal       3 or more orders; repeat: 2 orders; first_time: 1 order
--   non-buyers:
--     dormant_potential  showed interest (favorite or add_to_cart), none in the last dormant_days
--     potential          showed interest in the last dormant_days
--     lead               registered (register, login or identify event, or a user id), no interest
--     stranger           none of these
-- Persons are stitched with today's identity map, also for past moments.
-- Parameters: site String, date_from DateTime, date_to DateTime (inclusive here: the last
--             moment; both in the site's time zone), dormant_days UInt32,
--             one_time_churn_days UInt32
-- Columns:
--   as_of             the moment, site time zone (DateTime64(3, zone))
--   person            person key (see person_events)
--   segment           churned, loyal, repeat, first_time, dormant_potential, potential, lead,
--                     stranger
--   orders            distinct orders before the moment
--   revenue           their total, in order currency
--   first_seen_at     the person's first event, site time zone
--   last_order_at     last order before the moment, site time zone (NULL for non-buyers)
--   churns_at         when the buyer passes the churn line, site time zone (NULL for non-buyers)
--   last_interest_at  last favorite or add_to_cart before the moment (NULL if none)
--   registered        1 if the person registered or was known before the moment
CREATE OR REPLACE VIEW clickstream.lifecycle_history AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    toDateTime64(toString({date_from:DateTime}), 3, tz) AS first_moment,
    toDateTime64(toString({date_to:DateTime}), 3, tz) AS last_moment,
    -- date_from, then each local month start in (date_from, date_to], as epoch milliseconds
    arrayMap(m -> toUInt64(toUnixTimestamp64Milli(m)), arrayConcat([first_moment], arrayFilter(
        m -> m > first_moment AND m <= last_moment,
        arrayMap(i -> toDateTime64(addMonths(toStartOfMonth(first_moment, tz), i), 3, tz),
                 range(toUInt32(greatest(0, dateDiff('month', first_moment, last_moment, tz))
                                + 2)))))) AS moments,
    toUInt64(toUnixTimestamp64Milli(last_moment)) AS last_ms,
    toUInt64({dormant_days:UInt32}) * 86400000 AS dormant_ms,
    toFloat64({one_time_churn_days:UInt32}) * 86400000 AS one_time_churn_ms,
    people AS
    (
        SELECT
            person,
            min(ts_ms) AS first_seen_ms,
            ifNull(minIfOrNull(ts_ms, type IN ('register', 'login', 'identify') OR user_id != ''),
                   last_ms) AS registered_ms,
            arraySort(groupArrayIf(ts_ms, type IN ('favorite', 'add_to_cart'))) AS interests
        FROM clickstream.person_events
        WHERE site_id = {site:String} AND ts_ms < last_ms
        GROUP BY person
    ),
    buyers AS
    (
        SELECT
            person,
            arraySort(groupArray((toUInt64(toUnixTimestamp64Milli(ordered_at)), revenue)))
                AS order_list
        FROM clickstream.orders
        WHERE site_id = {site:String} AND ordered_at < last_moment
        GROUP BY person
    ),
    placed AS
    (
        SELECT
            p.person AS person,
            moment_ms,
            p.first_seen_ms AS first_seen_ms,
            p.registered_ms < moment_ms AS registered,
            arrayFilter(o -> o.1 < moment_ms, b.order_list) AS placed_orders,
            arrayMap(o -> o.1, placed_orders) AS order_times,
            length(order_times) AS orders,
            arrayMap(i -> toFloat64(order_times[i + 1] - order_times[i]), range(1, orders))
                AS intervals,
            if(orders >= 2, 2 * arrayReduce('quantileExactInclusive(0.5)', intervals),
               one_time_churn_ms) AS churn_line_ms,
            arrayFilter(t -> t < moment_ms, p.interests) AS interests_before,
            multiIf(
                orders > 0 AND toFloat64(moment_ms - order_times[orders]) > churn_line_ms,
                    'churned',
                orders >= 3, 'loyal',
                orders = 2, 'repeat',
                orders = 1, 'first_time',
                length(interests_before) > 0
                    AND moment_ms - arrayMax(interests_before) > dormant_ms, 'dormant_potential',
                length(interests_before) > 0, 'potential',
                registered, 'lead',
                'stranger') AS segment
        FROM people AS p
        LEFT JOIN buyers AS b ON b.person = p.person
        ARRAY JOIN moments AS moment_ms
        WHERE p.first_seen_ms < moment_ms
    )
SELECT
    fromUnixTimestamp64Milli(toInt64(moment_ms), tz) AS as_of,
    person,
    segment,
    toUInt64(orders) AS orders,
    toDecimal128(arraySum(arrayMap(o -> o.2, placed_orders)), 4) AS revenue,
    fromUnixTimestamp64Milli(toInt64(first_seen_ms), tz) AS first_seen_at,
    if(orders = 0, NULL, fromUnixTimestamp64Milli(toInt64(order_times[orders]), tz))
        AS last_order_at,
    if(orders = 0, NULL, fromUnixTimestamp64Milli(
        toInt64(order_times[orders] + floor(churn_line_ms)), tz)) AS churns_at,
    if(empty(interests_before), NULL,
       fromUnixTimestamp64Milli(toInt64(arrayMax(interests_before)), tz)) AS last_interest_at,
    toUInt8(registered) AS registered
FROM placed
SETTINGS join_use_nulls = 0;

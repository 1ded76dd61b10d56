-- conversion_trend: visit-to-order conversion per day, week or month.
-- Answers: "is the shop converting more of its visitors into buyers over time?" Per site-local
-- period, the persons with a step-1 event (a page view) in it, and how many of them also had a
-- step-6 event (an order) in the same period (steps as in funnel_steps). Resent events change
-- nothing here.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive, site time zone),
-- bucket String ('day', 'week' starting Monday, or 'month')
-- Columns (periods with neither a page view nor an order have no row):
--   period_start       first day of the period (Date, site time zone)
--   visitors           persons with a page view in the period
--   ordering_visitors  of those, persons who also ordered in the period
--   conversion         ordering_visitors / visitors, 0..1 (0 without visitors)
CREATE OR REPLACE VIEW clickstream.conversion_trend AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    {bucket:String} AS bucket,
    visitors AS
    (
        -- per period and visitor ids: a page view? an order?
        SELECT
            multiIf(bucket = 'day', toDate(happened, tz),
                    bucket = 'week', toMonday(happened, tz),
                    toStartOfMonth(happened, tz)) AS period_start,
            anonymous_id, user_id,
            max(bitTest(step_bits, 0)) AS visited,
            max(bitTest(step_bits, 5)) AS ordered
        FROM
        (
            SELECT
                anonymous_id, user_id, step_bits,
                fromUnixTimestamp64Milli(toInt64(ts_ms), tz) AS happened
            FROM clickstream.funnel_events(
                site = {site:String}, date_from = {date_from:DateTime},
                date_to = {date_to:DateTime}, extra_seconds = 0)
            WHERE bitAnd(step_bits, 33) != 0
              -- checked once, before any row is read (a scalar subquery runs first)
              AND (SELECT throwIf({bucket:String} NOT IN ('day', 'week', 'month'),
                                  'bucket must be day, week or month')) = 0
        )
        GROUP BY period_start, anonymous_id, user_id
    ),
    people AS
    (
        SELECT
            period_start,
            if(v.user_id != '', concat('u:', v.user_id),
               if(m.user_id != '', concat('u:', m.user_id), concat('a:', v.anonymous_id)))
                AS person,
            max(visited) AS visited,
            max(ordered) AS ordered
        FROM visitors AS v
        LEFT JOIN (SELECT anonymous_id, user_id FROM clickstream.identity_map
                   WHERE site_id = {site:String}) AS m ON m.anonymous_id = v.anonymous_id
        GROUP BY period_start, person
        SETTINGS join_use_nulls = 0
    )
SELECT
    period_start,
    toUInt64(countIf(visited)) AS visitors,
    toUInt64(countIf(visited AND ordered)) AS ordering_visitors,
    toFloat64(if(visitors = 0, 0, ordering_visitors / visitors)) AS conversion
FROM people
GROUP BY period_start
ORDER BY period_start;

-- cohort_retention: retention of first-visit and first-order cohorts, by week or month.
-- Answers: of the visitors who first came (or first ordered) in a given week or month, how many
-- came back (or ordered again) 1, 2, 3, ... weeks or months later?
--   cohort_by = 'first_visit': a person's cohort is the week/month of their first page_view
--               ever; they count as retained in a later week/month with a page_view in it.
--   cohort_by = 'first_order': the cohort is the week/month of the person's first order ever
--               (orders once per order_id); retained means an order in that week/month.
-- Cohorts are those whose first visit/order lies in [date_from, date_to); activity counts up to
-- date_to. Weeks start on Monday; weeks and months are the site's (site time zone). Every
-- period offset from 0 to the last week/month before date_to is listed for every cohort
-- (offset 0 is the cohort's own week/month: retention 1).
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive; site time zone),
--             cohort_by String ('first_visit' or 'first_order'), grain String ('week' or 'month')
-- Columns:
--   cohort          first day of the cohort's week or month (Date, site time zone)
--   period_offset   weeks or months since the cohort's (0, 1, 2, ...)
--   cohort_size     persons in the cohort
--   retained        of them, persons active in that week or month
--   retention_rate  retained / cohort_size, 0..1
CREATE OR REPLACE VIEW clickstream.cohort_retention AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    toDateTime64(toString({date_from:DateTime}), 3, tz) AS period_start,
    toDateTime64(toString({date_to:DateTime}), 3, tz) AS period_end,
    {grain:String} = 'week' AS weekly,
    -- the week or month a time falls in, and how many weeks or months lie between two of them
    (t -> if(weekly, toMonday(t, tz), toStartOfMonth(t, tz))) AS bucket_of,
    ((later, earlier) -> toUInt32(if(weekly, intDiv(later - earlier, 7),
                                     toRelativeMonthNum(later) - toRelativeMonthNum(earlier))))
        AS offset_of,
    bucket_of(period_end - toIntervalMillisecond(1)) AS last_bucket,
    activity AS
    (
        SELECT person, ts
        FROM clickstream.person_events
        WHERE {cohort_by:String} = 'first_visit' AND site_id = {site:String}
          AND type = 'page_view' AND ts < period_end
        UNION ALL
        SELECT person, ordered_at AS ts
        FROM clickstream.orders
        WHERE {cohort_by:String} = 'first_order' AND site_id = {site:String}
          AND ordered_at < period_end
    ),
    members AS
    (
        SELECT
            person,
            bucket_of(min(ts)) AS cohort,
            arrayMap(b -> offset_of(b, cohort), groupUniqArray(bucket_of(ts))) AS offsets
        FROM activity
        GROUP BY person
        HAVING min(ts) >= period_start
    ),
    sizes AS (SELECT cohort, count() AS cohort_size FROM members GROUP BY cohort),
    retained AS
    (
        SELECT cohort, period_offset, count() AS retained
        FROM members
        ARRAY JOIN offsets AS period_offset
        GROUP BY cohort, period_offset
    ),
    grid AS
    (
        SELECT cohort, cohort_size, period_offset
        FROM sizes
        ARRAY JOIN range(offset_of(last_bucket, cohort) + 1) AS period_offset
    )
SELECT
    g.cohort AS cohort,
    toUInt32(g.period_offset) AS period_offset,
    toUInt64(g.cohort_size) AS cohort_size,
    toUInt64(coalesce(r.retained, 0)) AS retained,
    toFloat64(retained / cohort_size) AS retention_rate
FROM grid AS g
LEFT JOIN retained AS r ON r.cohort = g.cohort AND r.period_offset = g.period_offset
-- the choices are checked before any row is read (a scalar subquery runs first), so a wrong
-- one is an error, never an empty answer
WHERE (SELECT throwIf({cohort_by:String} NOT IN ('first_visit', 'first_order'),
                      'cohort_by must be first_visit or first_order')
            + throwIf({grain:String} NOT IN ('week', 'month'), 'grain must be week or month')) = 0
ORDER BY cohort, period_offset
SETTINGS join_use_nulls = 0;

-- lifecycle_movement: how visitors moved between lifecycle segments, month by month.
-- Answers: of the visitors in each segment at the start of a month, how many were where at its
-- end (first-time buyers who came back, potential customers who went dormant, ...)? For every
-- calendar month lying wholly in [date_from, date_to) (site time zone), each person seen before
-- the month's end is counted once: their segment at the month's start (events before it) and at
-- its end. Segments and thresholds as in lifecycle_segments (see lifecycle_history).
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive; site time zone)
-- Columns:
--   month         first day of the month (Date, site time zone)
--   from_segment  segment at the month's start; 'new' for persons first seen during the month
--   to_segment    segment at the month's end
--   visitors      persons who made this move (only moves made by someone are listed)
CREATE OR REPLACE VIEW clickstream.lifecycle_movement AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    toDateTime64(toString({date_from:DateTime}), 3, tz) AS period_start,
    ['new', 'churned', 'loyal', 'repeat', 'first_time', 'dormant_potential', 'potential', 'lead',
     'stranger'] AS order_of_segments
SELECT
    toDate(month_start, tz) AS month,
    if(previous_as_of = month_start, previous_segment, 'new') AS from_segment,
    segment AS to_segment,
    count() AS visitors
FROM
(
    SELECT
        as_of,
        addMonths(toTimeZone(as_of, tz), -1) AS month_start,  -- the site's calendar month
        segment,
        lagInFrame(as_of) OVER by_person AS previous_as_of,
        lagInFrame(segment) OVER by_person AS previous_segment
    FROM clickstream.lifecycle_history(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
        dormant_days = 30, one_time_churn_days = 180)
    WINDOW by_person AS (PARTITION BY person ORDER BY as_of
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
-- a month's end whose start is a moment too (date_from itself counts only on a month start)
WHERE as_of > period_start AND month_start >= period_start
GROUP BY month, from_segment, to_segment
ORDER BY month, indexOf(order_of_segments, from_segment), indexOf(order_of_segments, to_segment);

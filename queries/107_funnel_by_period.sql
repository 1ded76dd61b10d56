-- funnel_by_period: the ordered funnel per day, week or month in which visitors' chains started.
-- Answers: is the funnel getting better or worse over time? Each person counts once, in the
-- site-local day, week (starting Monday) or month of their chain's first step (see funnel and
-- funnel_breakdown), so the periods of one query add up to the funnel of the whole range.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), window_seconds
-- UInt32, bucket String ('day', 'week' or 'month')
-- Columns (periods without chains have no rows):
--   period_start  first day of the period (Date, site time zone)
--   step ... p90_seconds_from_previous  as in funnel, within the period
CREATE OR REPLACE VIEW clickstream.funnel_by_period AS
SELECT toDate(value) AS period_start, * EXCEPT value
FROM clickstream.funnel_breakdown(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime},
    window_seconds = {window_seconds:UInt32}, dimension = {bucket:String})
-- checked once, before any row is read (a scalar subquery runs first)
WHERE (SELECT throwIf({bucket:String} NOT IN ('day', 'week', 'month'),
                      'bucket must be day, week or month')) = 0
ORDER BY period_start, step;

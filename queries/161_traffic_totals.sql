-- traffic_totals: events, page views and visitors per day, week or month, from the
-- pre-aggregated traffic_buckets (no raw events are read).
-- Answers: "how many visitors and page views did the shop have per day?" Counted as in traffic
-- (events once per event_id; visitors are visitor ids, not stitched persons).
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive, site time zone),
-- bucket String ('day', 'week' starting Monday, or 'month')
-- Columns (periods without events have no row):
--   period_start  first day of the period (Date, site time zone)
--   events        distinct events of any type
--   page_views    distinct page_view events
--   visitor_ids   distinct visitor ids with any event
CREATE OR REPLACE VIEW clickstream.traffic_totals AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    {bucket:String} AS bucket_name
SELECT
    multiIf(bucket_name = 'day', toDate(bucket, tz),
            bucket_name = 'week', toMonday(bucket, tz),
            toStartOfMonth(bucket, tz)) AS period_start,
    toUInt64(uniqExactMerge(t.events)) AS events,
    toUInt64(uniqExactMergeIf(t.events, type = 'page_view')) AS page_views,
    toUInt64(uniqExactMerge(t.visitor_ids)) AS visitor_ids
FROM clickstream.traffic_buckets AS t
WHERE site_id = {site:String}
  AND bucket >= toDateTime(toString({date_from:DateTime}), tz)
  AND bucket < toDateTime(toString({date_to:DateTime}), tz)
  -- checked once, before any row is read (a scalar subquery runs first), also when no row is
  AND (SELECT throwIf({bucket:String} NOT IN ('day', 'week', 'month'),
                      'bucket must be day, week or month')) = 0
GROUP BY period_start
ORDER BY period_start;

-- traffic: events and visitors per day, week or month, by event type, channel and device class,
-- from the pre-aggregated traffic_buckets (no raw events are read).
-- Answers: "how many page views, favorites, orders... per day, from which channels and devices,
-- and how many visitors made them?" Events count once per event_id, however often they were
-- delivered. Visitors here are visitor ids (a browser's anonymous id, or the user id of events
-- without one), not stitched persons: one person on two devices counts twice; the funnel views
-- count persons. Visitor counts do not add up across rows (one visitor has many rows); sum the
-- events, use traffic_totals for visitors.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive, site time zone),
-- bucket String ('day', 'week' starting Monday, or 'month')
-- Columns (combinations without events have no row; ordered by the first four):
--   period_start  first day of the period (Date, site time zone)
--   type          event type
--   channel       direct, search, social, email, paid, referral, internal ('' when unknown)
--   device_class  desktop, mobile, tablet, bot, other ('' when unknown)
--   events        distinct events
--   visitor_ids   distinct visitor ids
CREATE OR REPLACE VIEW clickstream.traffic AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    {bucket:String} AS bucket_name
SELECT
    multiIf(bucket_name = 'day', toDate(bucket, tz),
            bucket_name = 'week', toMonday(bucket, tz),
            toStartOfMonth(bucket, tz)) AS period_start,
    type, channel, device_class,
    toUInt64(uniqExactMerge(t.events)) AS events,
    toUInt64(uniqExactMerge(t.visitor_ids)) AS visitor_ids
FROM clickstream.traffic_buckets AS t
WHERE site_id = {site:String}
  AND bucket >= toDateTime(toString({date_from:DateTime}), tz)
  AND bucket < toDateTime(toString({date_to:DateTime}), tz)
  -- checked once, before any row is read (a scalar subquery runs first), also when no row is
  AND (SELECT throwIf({bucket:String} NOT IN ('day', 'week', 'month'),
                      'bucket must be day, week or month')) = 0
GROUP BY period_start, type, channel, device_class
ORDER BY period_start, type, channel, device_class;

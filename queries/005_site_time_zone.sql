-- site_time_zone: the time zone a site's periods are read in.
-- Answers: "in which time zone are date_from, date_to and the day/week/month buckets of this
-- shop?" 'UTC' unless `clickstream site set SITE --time-zone ZONE` said otherwise.
-- Parameters: site String
-- Columns:
--   time_zone  IANA time zone name
-- Other views read it as a scalar, guarded against '' (ClickHouse analyses a scalar subquery
-- with default values before it runs it, and '' is not a time zone) and against NULL (a scalar
-- subquery's type is Nullable, which would make every column derived from it Nullable):
--   (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
--   ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
--   toDateTime64(toString({date_from:DateTime}), 3, tz) AS period_start  -- the shop's midnight
CREATE OR REPLACE VIEW clickstream.site_time_zone AS
SELECT if(zone = '', 'UTC', zone) AS time_zone
FROM
(
    SELECT argMax(time_zone, updated_at) AS zone
    FROM clickstream.sites
    WHERE site_id = {site:String}
);

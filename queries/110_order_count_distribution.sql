-- order_count_distribution: how many customers ordered once, twice, three times, more.
-- Answers the growth stage: is the shop making repeat buyers? A customer is a person with at
-- least one order in [date_from, date_to); orders count once per order_id, at the time of their
-- first event.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time zone
-- Columns:
--   orders_bucket  '1', '2', '3', '4+' (orders in the period); every bucket is listed
--   customers      persons in the bucket
--   share          customers / all customers of the period, 0..1
CREATE OR REPLACE VIEW clickstream.order_count_distribution AS
WITH
-- the period is the shop's: read in the site time zone (see site_time_zone)
(SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
per_customer AS
(
    SELECT person, count() AS orders
    FROM clickstream.orders
    WHERE site_id = {site:String}
      AND ordered_at >= toDateTime64(toString({date_from:DateTime}), 3, tz)
      AND ordered_at < toDateTime64(toString({date_to:DateTime}), 3, tz)
    GROUP BY person
),
buckets AS
(
    SELECT multiIf(orders = 1, '1', orders = 2, '2', orders = 3, '3', '4+') AS orders_bucket,
           count() AS customers
    FROM per_customer
    GROUP BY orders_bucket
)
SELECT
    b.orders_bucket AS orders_bucket,
    toUInt64(coalesce(c.customers, 0)) AS customers,
    toFloat64(if((SELECT count() FROM per_customer) = 0, 0,
                 customers / (SELECT count() FROM per_customer))) AS share
FROM (SELECT arrayJoin(['1', '2', '3', '4+']) AS orders_bucket) AS b
LEFT JOIN buckets AS c ON c.orders_bucket = b.orders_bucket
ORDER BY orders_bucket;

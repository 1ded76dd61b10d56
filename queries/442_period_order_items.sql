-- period_order_items: the lines of the orders placed in a period of the shop's calendar.
-- Answers: what was bought in [date_from, date_to) (site time zone)? The lines of each order
-- once per order_id (see order_items); lines without a product id are left out.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive)
-- Columns:
--   order_id, person (see person_events)
--   ordered_at  time of the order, site time zone
--   ordered_ms  the same in epoch milliseconds (UInt64)
--   line        position of the line in the order (1, 2, ...)
--   product_id, category
--   price       unit price, in order currency
--   quantity    units
CREATE OR REPLACE VIEW clickstream.period_order_items AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    toDateTime64(toString({date_from:DateTime}), 3, tz) AS period_start,
    toDateTime64(toString({date_to:DateTime}), 3, tz) AS period_end
SELECT
    i.order_id AS order_id,
    i.person AS person,
    toTimeZone(i.ordered_at, tz) AS ordered_at,
    toUInt64(toUnixTimestamp64Milli(i.ordered_at)) AS ordered_ms,
    i.line AS line,
    i.product_id AS product_id,
    i.category AS category,
    i.price AS price,
    i.quantity AS quantity
FROM clickstream.order_items AS i
WHERE i.site_id = {site:String} AND i.ordered_at >= period_start AND i.ordered_at < period_end
  AND i.product_id != '';

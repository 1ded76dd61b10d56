-- period_orders: the orders placed in a period of the shop's calendar.
-- Answers: which orders fall in [date_from, date_to), read in the site's time zone? The base of
-- the customer and value views. One row per order_id, as in `orders` (its earliest event).
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive; both in the site's
--             time zone)
-- Columns:
--   order_id
--   person      person key (see person_events)
--   ordered_at  time of the order, in the site's time zone (DateTime64(3, zone))
--   revenue     order total, in order currency
--   currency    ISO 4217
--   items       number of order lines
CREATE OR REPLACE VIEW clickstream.period_orders AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    toDateTime64(toString({date_from:DateTime}), 3, tz) AS period_start,
    toDateTime64(toString({date_to:DateTime}), 3, tz) AS period_end
SELECT
    o.order_id AS order_id,
    o.person AS person,
    toTimeZone(o.ordered_at, tz) AS ordered_at,
    o.revenue AS revenue,
    o.currency AS currency,
    o.items AS items
FROM clickstream.orders AS o
WHERE o.site_id = {site:String} AND o.ordered_at >= period_start AND o.ordered_at < period_end;

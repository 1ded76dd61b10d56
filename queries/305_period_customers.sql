-- period_customers: the customers of a period and what they bought in it.
-- Answers: who ordered in [date_from, date_to) (site time zone), how often, for how much? A
-- customer is a person with at least one order in the period; orders count once per order_id.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive)
-- Columns:
--   person          person key (see person_events)
--   orders          distinct orders in the period
--   revenue         their total, in order currency
--   first_order_at  first order of the period, site time zone
--   last_order_at   last order of the period, site time zone
-- Times are put in the site's zone here again: an aggregate over a nested view's times keeps
-- the zone ClickHouse saw when it analysed the nested view with default values (UTC).
CREATE OR REPLACE VIEW clickstream.period_customers AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz
SELECT
    person,
    count() AS orders,
    sum(revenue) AS revenue,
    toTimeZone(min(ordered_at), tz) AS first_order_at,
    toTimeZone(max(ordered_at), tz) AS last_order_at
FROM clickstream.period_orders(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})
GROUP BY person;

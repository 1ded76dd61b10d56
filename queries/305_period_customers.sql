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
CREATE OR REPLACE VIEW clickstream.period_customers AS
SELECT
    person,
    count() AS orders,
    sum(revenue) AS revenue,
    min(ordered_at) AS first_order_at,
    max(ordered_at) AS last_order_at
FROM clickstream.period_orders(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime})
GROUP BY person;

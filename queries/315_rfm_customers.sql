-- rfm_customers: recency, frequency and monetary value of every customer, scored 1 to 5.
-- Answers: which customers bought recently, often and much (SPEC section 8, value pyramid)?
-- Customers are the persons with an order in [date_from, date_to) (site time zone; see
-- period_customers); orders count once per order_id.
-- Scoring, the same rule for each of R, F and M: score = 1 + floor(5 * worse / N), where N is
-- the number of customers and `worse` the number of them with a strictly worse value (an older
-- last order for R, fewer orders for F, less revenue for M). So equal values get equal scores,
-- the worst value always scores 1, and a score of 5 means better than at least 80 % of the
-- customers. No tie depends on person ids.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive)
-- Columns:
--   person           person key (see person_events)
--   user_id          the user id of a known person, '' for an anonymous one
--   last_order_at    the customer's last order in the period, site time zone
--   recency_seconds  seconds from that order to date_to (Float64, millisecond precision)
--   frequency        distinct orders in the period
--   monetary         revenue in the period, in order currency
--   r_score          1..5, 5 = most recent
--   f_score          1..5, 5 = most orders
--   m_score          1..5, 5 = most revenue
--   rfm              the three scores as text, e.g. '545'
CREATE OR REPLACE VIEW clickstream.rfm_customers AS
WITH
    (SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})) AS site_tz_raw,
    ifNull(nullIf(site_tz_raw, ''), 'UTC') AS tz,
    toDateTime64(toString({date_to:DateTime}), 3, tz) AS period_end
SELECT
    c.person AS person,
    if(startsWith(person, 'u:'), substring(person, 3), '') AS user_id,
    toTimeZone(c.last_order_at, tz) AS last_order_at,
    (toUnixTimestamp64Milli(period_end) - toUnixTimestamp64Milli(c.last_order_at)) / 1000
        AS recency_seconds,
    toUInt64(c.orders) AS frequency,
    toDecimal128(c.revenue, 4) AS monetary,
    toUInt8(1 + intDiv(5 * (rank() OVER (ORDER BY c.last_order_at) - 1), count() OVER ()))
        AS r_score,
    toUInt8(1 + intDiv(5 * (rank() OVER (ORDER BY c.orders) - 1), count() OVER ())) AS f_score,
    toUInt8(1 + intDiv(5 * (rank() OVER (ORDER BY c.revenue) - 1), count() OVER ())) AS m_score,
    concat(toString(r_score), toString(f_score), toString(m_score)) AS rfm
FROM clickstream.period_customers(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}) AS c
ORDER BY rfm DESC, monetary DESC, person;

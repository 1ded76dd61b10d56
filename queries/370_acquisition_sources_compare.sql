-- acquisition_sources_compare: acquisition_sources against the same period a month, a quarter
-- or a year earlier (month over month, quarter over quarter, year over year).
-- Answers: which sources grew or shrank? The previous period is [date_from, date_to) moved back
-- by 1, 3 or 12 calendar months (a month's period against the month before, or against the same
-- month a year before with compare_to = 'year'; dates past a month's end are clamped to it).
-- A source of either period is listed; the side where it is missing counts 0.
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive; site time zone),
--             compare_to String: 'month', 'quarter' or 'year'
-- Columns:
--   model, channel, utm_source, utm_medium, utm_campaign, referrer_domain  (see
--                           acquisition_sources)
--   visitors, previous_visitors, visitors_change_rate
--   new_visitors, previous_new_visitors, new_visitors_change_rate
--   orders, previous_orders, orders_change_rate
--   revenue, previous_revenue, revenue_change_rate   (revenue in order currency)
-- A change rate is (current - previous) / previous: 0.25 is a quarter more, -1 all gone; NULL
-- when the previous value is 0.
CREATE OR REPLACE VIEW clickstream.acquisition_sources_compare AS
SELECT
    model, channel, utm_source, utm_medium, utm_campaign, referrer_domain,
    c.visitors AS visitors,
    p.visitors AS previous_visitors,
    if(p.visitors = 0, NULL, (toFloat64(c.visitors) - p.visitors) / p.visitors)
        AS visitors_change_rate,
    c.new_visitors AS new_visitors,
    p.new_visitors AS previous_new_visitors,
    if(p.new_visitors = 0, NULL, (toFloat64(c.new_visitors) - p.new_visitors) / p.new_visitors)
        AS new_visitors_change_rate,
    c.orders AS orders,
    p.orders AS previous_orders,
    if(p.orders = 0, NULL, (toFloat64(c.orders) - p.orders) / p.orders) AS orders_change_rate,
    c.revenue AS revenue,
    p.revenue AS previous_revenue,
    if(p.revenue = 0, NULL, (toFloat64(c.revenue) - toFloat64(p.revenue)) / toFloat64(p.revenue))
        AS revenue_change_rate
FROM clickstream.acquisition_sources(
    site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}) AS c
FULL OUTER JOIN clickstream.acquisition_sources(
    site = {site:String},
    date_from = subtractMonths({date_from:DateTime},
                               [1, 3, 12][indexOf(['month', 'quarter', 'year'], {compare_to:String})]),
    date_to = subtractMonths({date_to:DateTime},
                             [1, 3, 12][indexOf(['month', 'quarter', 'year'], {compare_to:String})]))
    AS p
    USING (model, channel, utm_source, utm_medium, utm_campaign, referrer_domain)
-- checked before any row is read (a scalar subquery runs first): a wrong choice is an error
WHERE (SELECT throwIf({compare_to:String} NOT IN ('month', 'quarter', 'year'),
                      'compare_to must be month, quarter or year')) = 0
ORDER BY model, visitors DESC, previous_visitors DESC, orders DESC, channel, utm_source,
         utm_medium, utm_campaign, referrer_domain
SETTINGS join_use_nulls = 0;

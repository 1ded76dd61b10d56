-- deal_stage: orders and revenue against the period before (the deal stage: 成交量, 成交订单增长率,
-- 成交数额, 成交数额增长率, and the average order).
-- Answers: how many orders, how much revenue, what average order value in the period, how each
-- changed against the previous period of equal length, and how many customers bought, how many
-- of them for the first time ever? Orders count once per order_id, at the time of their first
-- event (the `orders` view); customers are persons. Revenue adds the orders' totals as sent (one
-- currency per shop is assumed, as in value_pyramid).
-- Parameters: site String, date_from DateTime, date_to DateTime (exclusive), in the site time zone
-- Columns:
--   orders                        orders placed in the period
--   previous_orders               orders placed in the previous period
--   order_growth_rate             (orders - previous) / previous; NULL when previous is 0
--   revenue                       revenue of the period's orders, in order currency (Decimal)
--   previous_revenue              the same for the previous period
--   revenue_growth_rate           (revenue - previous) / previous; NULL when previous is 0
--   avg_order_value               revenue / orders, in order currency, truncated to 4 decimals
--                                 (0 without orders)
--   previous_avg_order_value      the same for the previous period
--   avg_order_value_growth_rate   (avg - previous avg) / previous avg; NULL when previous is 0
--   customers                     persons with an order in the period
--   new_customers                 of those, persons whose first order ever is in the period
CREATE OR REPLACE VIEW clickstream.deal_stage AS
WITH
    (SELECT (from_ms, to_ms, previous_from_ms) FROM clickstream.stage_period(
        site = {site:String}, date_from = {date_from:DateTime}, date_to = {date_to:DateTime}))
        AS period,
    placed AS
    (
        SELECT
            person,
            revenue AS order_revenue,
            toUInt64(toUnixTimestamp64Milli(ordered_at)) AS at_ms,
            at_ms >= period.1 AS current,
            at_ms >= period.3 AND at_ms < period.1 AS previous,
            at_ms = min(at_ms) OVER (PARTITION BY person) AS first_ever
        FROM clickstream.orders
        WHERE site_id = {site:String} AND toUnixTimestamp64Milli(ordered_at) < period.2
    )
SELECT
    toUInt64(countIf(current)) AS orders,
    toUInt64(countIf(previous)) AS previous_orders,
    if(previous_orders = 0, NULL, (toFloat64(orders) - previous_orders) / previous_orders)
        AS order_growth_rate,
    toDecimal128(sumIf(order_revenue, current), 4) AS revenue,
    toDecimal128(sumIf(order_revenue, previous), 4) AS previous_revenue,
    if(previous_revenue = 0, NULL,
       toFloat64(revenue - previous_revenue) / toFloat64(previous_revenue)) AS revenue_growth_rate,
    toDecimal128(if(orders = 0, 0, revenue / orders), 4) AS avg_order_value,
    toDecimal128(if(previous_orders = 0, 0, previous_revenue / previous_orders), 4)
        AS previous_avg_order_value,
    if(previous_avg_order_value = 0, NULL,
       toFloat64(avg_order_value - previous_avg_order_value)
           / toFloat64(previous_avg_order_value)) AS avg_order_value_growth_rate,
    toUInt64(uniqExactIf(person, current)) AS customers,
    toUInt64(uniqExactIf(person, current AND first_ever)) AS new_customers
FROM placed;
